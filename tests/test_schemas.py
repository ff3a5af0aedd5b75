"""core/schemas.py: the native validator's yes never differs from jsonschema's.

A document jsonschema-rs calls valid is not looked at again, so it must be one that
jsonschema, from whose errors the messages are made, calls valid too; where they could
differ (a whole Decimal, a lone surrogate, a line break before a pattern's `$`),
jsonschema decides.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from jianwang_desktop.core import schemas
from jianwang_desktop.core.interchange import DATA_SCHEMA, month_to_dict, parse_json
from sample_data import sample_month

from conftest import MIANYANG
from test_hostile_load import _spots


def jsonschema_valid(document, name: str) -> bool:
    return Draft202012Validator(schemas.schema(name)).is_valid(document)


@pytest.fixture(scope="module")
def document():
    from jianwang_desktop.core.formdef import load_form

    form = load_form("剑网2015")
    return month_to_dict(form, MIANYANG, sample_month(form, cases=3))


# Values where a validator written in another language could read JSON otherwise.
odd_values = st.sampled_from([
    Decimal("1.0"), Decimal("2E+0"), Decimal("0.5"), Decimal("-0"), 1.0, 2.5, -1, 0, True,
    10**9, 10**9 + 1, 10**30, -(10**30), "", "1.5", "1.5\n", "2015-08\n", "１２", "\ud800",
    "a\udfff", "𠮷" * 5000, "𠮷" * 5001, None, [], {}, {"": None}, [Decimal("1.0")],
])
json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.decimals(allow_nan=False, allow_infinity=False, places=2) | st.text(max_size=12)
    | odd_values,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=3),
    max_leaves=8)


@settings(max_examples=400, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_the_fast_answer_is_jsonschema_s_answer(document, data):
    doc = copy.deepcopy(document)
    for _ in range(data.draw(st.integers(1, 3))):
        parent, key = data.draw(st.sampled_from(list(_spots(doc))))
        parent[key] = data.draw(json_like)
    errors = schemas.schema_errors(doc, DATA_SCHEMA)
    assert (errors == []) == jsonschema_valid(doc, DATA_SCHEMA)


@pytest.mark.parametrize("value", [Decimal("1.0"), Decimal("3E+0")])
def test_a_whole_decimal_count_is_refused_as_jsonschema_refuses_it(document, value):
    """jsonschema-rs alone would take a JSON 1.0 for the integer 1."""
    doc = copy.deepcopy(document)
    doc["statistics"]["文学"]["filed"] = value
    assert not jsonschema_valid(doc, DATA_SCHEMA)
    assert [e.validator for e in schemas.schema_errors(doc, DATA_SCHEMA)] == ["anyOf"]


def test_texts_the_native_validator_cannot_take_go_to_jsonschema(document):
    doc = copy.deepcopy(document)
    doc["unit"] = "绵阳\ud800"  # a lone surrogate: valid to the schema, refused later
    assert schemas.schema_errors(doc, DATA_SCHEMA) == []
    doc["period"] = "2015-08\n"  # Python's `$` matches before a final line break
    assert schemas.schema_errors(doc, DATA_SCHEMA) == [] and jsonschema_valid(doc, DATA_SCHEMA)


def test_errors_come_in_the_document_s_order_with_jsonschema_s_details(document):
    doc = copy.deepcopy(document)
    doc["cases"][2]["name"] = "案" * 5001
    doc["cases"][0]["filed"] = -1
    doc["period"] = "2015-13"
    errors = schemas.schema_errors(doc, DATA_SCHEMA)
    assert [list(e.path) for e in errors] == [["cases", 0, "filed"], ["cases", 2, "name"],
                                             ["period"]]
    assert errors[1].validator == "maxLength" and errors[1].validator_value == 5000


def test_a_valid_month_file_is_valid(document):
    raw = json.dumps(document, ensure_ascii=False).encode("utf-8")
    assert schemas.schema_errors(parse_json(raw), DATA_SCHEMA) == []
