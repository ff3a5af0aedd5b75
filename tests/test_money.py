from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jianwang_desktop.core.money import (NumberError, format_amount, parse_amount, parse_count,
                                         sum_amounts)

amounts = st.decimals(min_value=0, max_value=Decimal("99999999.9999"), places=4,
                      allow_nan=False, allow_infinity=False)


@given(amounts)
def test_amount_text_round_trips_exactly(amount):
    assert parse_amount(format_amount(amount)) == amount
    assert format_amount(parse_amount(format_amount(amount))) == format_amount(amount)


@given(st.lists(amounts, max_size=200))
def test_sums_are_exact(values):
    total = sum_amounts(parse_amount(format_amount(v)) for v in values)
    # Integer arithmetic in units of 0.0001 万元 is the reference.
    assert total * 10000 == sum(int(v * 10000) for v in values)


def test_binary_float_sum_would_have_been_wrong_but_ours_is_not():
    values = ["0.1"] * 10
    assert sum_amounts(parse_amount(v) for v in values) == Decimal("1.0")
    assert sum(float(v) for v in values) != 1.0


@pytest.mark.parametrize("text,expected", [
    ("1.5", Decimal("1.5")), ("12.30", Decimal("12.30")), ("0", Decimal(0)),
    (" 3 ", Decimal(3)), ("1,234.5", Decimal("1234.5")), ("2.5", Decimal("2.5")),
    (".5", Decimal("0.5")), (7, Decimal(7)),
])
def test_amounts_people_type(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text,fragment", [
    ("-1", "负数"), ("1.23456", "4 位小数"), ("abc", "金额数字"), ("1e3", "金额数字"),
    ("NaN", "金额数字"), ("", "金额数字"), (1.5, "文本"), (True, "文本"), ("1e999", "金额数字"),
])
def test_bad_amounts_are_refused_with_a_reason(text, fragment):
    with pytest.raises(NumberError) as e:
        parse_amount(text)
    assert fragment in str(e.value)


@given(st.integers(min_value=0, max_value=10**9))
def test_counts_round_trip(n):
    assert parse_count(str(n)) == n
    assert parse_count(n) == n


@pytest.mark.parametrize("text,fragment", [
    ("-3", "负数"), ("2.5", "小数"), ("三", "整数"), (True, "整数"), (1.0, "整数"),
    ("99999999999", "过大"),
])
def test_bad_counts(text, fragment):
    with pytest.raises(NumberError) as e:
        parse_count(text)
    assert fragment in str(e.value)


def test_whole_number_written_with_zero_decimals_is_a_count():
    assert parse_count("3.0") == 3


@given(st.text(max_size=20))
def test_any_text_is_either_a_count_or_a_clear_refusal(text):
    try:
        n = parse_count(text)
    except NumberError as e:
        assert str(e)
    else:
        assert isinstance(n, int) and n >= 0


@pytest.mark.parametrize("text,expected", [("１２", Decimal(12)), ("１２．５", Decimal("12.5")),
                                           ("0。75", Decimal("0.75")), ("１，２３４", Decimal(1234))])
def test_full_width_input_from_chinese_input_methods(text, expected):
    assert parse_amount(text) == expected
    if expected == expected.to_integral_value():
        assert parse_count(text) == int(expected)


def test_the_schema_states_the_same_limits_as_money():
    import json
    import re

    from jianwang_desktop.core import money
    from jianwang_desktop.core.resources import resource_path

    schema = json.loads(resource_path("schema", "jianwang-data-1.schema.json").read_text("utf-8"))
    count, amount = schema["$defs"]["count"], schema["$defs"]["amount"]
    assert count["maximum"] == money.MAX_COUNT and count["minimum"] == 0
    pattern = re.compile(amount["pattern"])
    largest = "9" * money.AMOUNT_INTEGER_DIGITS + "." + "9" * money.AMOUNT_PLACES
    assert pattern.match(largest) and money.parse_amount(largest) < money.MAX_AMOUNT
    too_large = "1" + "0" * money.AMOUNT_INTEGER_DIGITS
    assert not pattern.match(too_large)
    assert not pattern.match("1." + "0" * (money.AMOUNT_PLACES + 1))
    with pytest.raises(money.NumberError):
        money.parse_amount(too_large)
    # Excel keeps 15 significant digits: the largest amount must fit exactly.
    assert len(largest.replace(".", "")) <= 15
