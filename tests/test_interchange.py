import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jianwang_desktop.core import interchange
from jianwang_desktop.core.errors import UserError
from jianwang_desktop.core.interchange import (dump_month, load_into_store, month_from_dict,
                                               month_to_dict, parse_json)
from jianwang_desktop.core.records import CaseRecord, MonthData
from sample_data import sample_month

from conftest import MIANYANG


def as_bytes(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


def test_dump_has_the_documented_shape(store):
    store.replace_month(sample_month(store.form))
    data = json.loads(dump_month(store, "2015-08"))
    assert list(data) == ["format", "campaign", "region", "department", "unit", "filler", "phone",
                          "period", "statistics", "cases"]
    assert data["format"] == "jianwang-data/1" and data["region"] == "绵阳市"
    assert data["statistics"]["文学"]["involved"] == "12.3456"
    assert isinstance(data["statistics"]["文学"]["filed"], int)
    case = data["cases"][0]
    assert case["fine"] == "0.5" and case["category"] == "音乐"


def test_load_then_dump_gives_back_the_same_file(store):
    month = sample_month(store.form)
    month.cases[0].name = "=HYPERLINK(\"x\") 𠮷"
    month.cases[0].summary = "  前导空格\n第二行\r\n第三行\t"
    month.statistics["影视"]["fine"] = Decimal("12.30")
    text = json.dumps(month_to_dict(store.form, MIANYANG, month), ensure_ascii=False, indent=2) + "\n"
    load_into_store(store, text.encode("utf-8"))
    assert dump_month(store, "2015-08") == text


def test_blank_cells_travel_as_null(store):
    store.set_cell("2015-08", "文学", "filed", 3)
    data = json.loads(dump_month(store, "2015-08"))
    assert data["statistics"]["文学"]["filed"] == 3
    assert data["statistics"]["文学"]["closed"] is None


def good_data(store):
    return month_to_dict(store.form, MIANYANG, sample_month(store.form))


@pytest.mark.parametrize("mutate,fragment", [
    (lambda d: d["cases"][1].update(fine=0.5), "第2条案件"),
    (lambda d: d["cases"][0].update(fine="-1"), "第1条案件"),
    (lambda d: d["statistics"]["文学"].update(filed=-1), "统计表“文学”行"),
    (lambda d: d["statistics"]["文学"].update(filed="3"), "统计表“文学”行"),
    (lambda d: d["statistics"]["文学"].update(bogus=1), "bogus"),
    (lambda d: d["statistics"].update(新闻={}), "新闻"),
    (lambda d: d.update(extra=1), "extra"),
    (lambda d: d.pop("phone"), "phone"),
    (lambda d: d["cases"][2].pop("name"), "第3条案件"),
    (lambda d: d["cases"][0].update(name="a\x00b"), "控制字符"),
    (lambda d: d["cases"][1].update(number=d["cases"][0]["number"]), "重复"),
    (lambda d: d["cases"][0].update(category="新闻"), "案件类别"),
    (lambda d: d.update(period="2016-08"), "2016-08"),
    (lambda d: d["statistics"]["音乐"].update(fine="1.23456"), "格式"),
])
def test_bad_files_name_the_field(store, mutate, fragment):
    data = good_data(store)
    mutate(data)
    with pytest.raises(UserError) as e:
        load_into_store(store, as_bytes(data))
    assert fragment in str(e.value)
    assert not store.has_data("2015-08")


def test_a_month_with_data_is_replaced_only_when_asked(store):
    data = good_data(store)
    load_into_store(store, as_bytes(data))
    data["cases"] = data["cases"][:1]
    with pytest.raises(UserError) as e:
        load_into_store(store, as_bytes(data))
    assert "--replace" in str(e.value)
    assert len(store.load_cases("2015-08")) == 3
    load_into_store(store, as_bytes(data), replace=True)
    assert len(store.load_cases("2015-08")) == 1


def test_another_office_is_refused(store):
    data = good_data(store)
    data["region"] = "德阳市"
    with pytest.raises(UserError) as e:
        load_into_store(store, as_bytes(data))
    assert "德阳市版权局" in str(e.value)
    data["region"], data["department"] = "绵阳市", "公安局"
    with pytest.raises(UserError):
        load_into_store(store, as_bytes(data))


@pytest.mark.parametrize("raw,fragment", [
    (b"\xff\xfe garbage", "UTF-8"),
    (b"{\"format\": ", "JSON"),
    (b"[]", "JSON 对象"),
    (b"{\"format\": \"jianwang-data/1\", \"format\": \"x\"}", "两次"),
    (b"{\"a\": NaN}", "非法的数值"),
    (b"[" * 100000 + b"]" * 100000, "JSON"),
])
def test_unreadable_files(raw, fragment):
    with pytest.raises(UserError) as e:
        month_from_dict(parse_json(raw))
    assert fragment in str(e.value)


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(
    "\n\r\t=+-@ 𠮷"), max_size=40)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=texts, summary=texts, remarks=texts,
       fine=st.decimals(min_value=0, max_value=10**6, places=4, allow_nan=False))
def test_round_trip_of_any_text(store, name, summary, remarks, fine):
    month = MonthData("2015-09", sample_month(store.form).statistics, [CaseRecord(
        number="A-1", name=name.replace("\n", "").replace("\r", ""), handling_unit="某执法支队",
        source="群众举报", summary=summary, result="", remarks=remarks, category="软件",
        measures={"filed": 1, "closed": 1, "fine": fine, "transferred": 0,
                  "involved": Decimal(0), "sites_closed": 0, "servers": 0})])
    text = json.dumps(month_to_dict(store.form, MIANYANG, month), ensure_ascii=False, indent=2) + "\n"
    load_into_store(store, text.encode("utf-8"), replace=True)
    assert dump_month(store, "2015-09") == text


_JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.text() \
    | st.floats(allow_nan=False, allow_infinity=False)
_JSON_VALUES = st.recursive(
    _JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=30)


@given(st.dictionaries(st.text(max_size=8), _JSON_VALUES, max_size=6))
def test_dumps_writes_exactly_what_json_dumps_writes(data):
    """dumps builds the indented text itself (for speed); it must be json's text."""
    assert interchange.dumps(data) == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def test_dumps_of_a_month_is_json_dumps(store):
    month = sample_month(store.form)
    data = interchange.month_to_dict(store.form, store.profile(), month)
    assert interchange.dumps(data) == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("mutate,expected", [
    (lambda d: d["statistics"]["文学"].update(fine=0.1), "金额应写成带引号的文本"),
    (lambda d: d["cases"][0].update(fine=0.1), "金额应写成带引号的文本"),
    (lambda d: d["statistics"]["音乐"].update(fine="1" + "0" * 12), "数值过大"),
    (lambda d: d["statistics"]["音乐"].update(fine="1.23456"), "最多保留 4 位小数"),
    (lambda d: d["statistics"]["音乐"].update(filed=0.5), "不能有小数"),
    (lambda d: d["statistics"]["音乐"].update(filed=10**10), "数值过大"),
    (lambda d: d["cases"][1].update(filed="3"), "件数应写成不带引号的整数"),
])
def test_a_bad_number_says_what_is_wrong_with_it(store, mutate, expected):
    data = good_data(store)
    mutate(data)
    with pytest.raises(UserError) as e:
        load_into_store(store, as_bytes(data))
    text = str(e.value)
    assert expected in text
    assert "应为 0 或正整数(件数),或文本形式的金额" not in text
