from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jianwang_desktop.core.domain import Profile
from jianwang_desktop.core.errors import UserError
from jianwang_desktop.core.formdef import load_form
from jianwang_desktop.core.records import CaseRecord, MonthData, empty_grid
from jianwang_desktop.core.validation import (ERROR, WARNING, phone_problem, validate_case,
                                              validate_cases, validate_grid, validate_month,
                                              validate_profile)
from sample_data import full_grid, sample_case

from conftest import MIANYANG

FORM = load_form("剑网2015")


def test_blank_is_not_zero():
    findings = validate_grid(FORM, empty_grid(FORM))
    assert len(findings) == 42 and all(f.severity == ERROR for f in findings)
    assert "空格不等于 0" in findings[0].message
    zeros = {c: {m: (Decimal(0) if FORM.measure(m).is_amount else 0) for m in FORM.measure_keys}
             for c in FORM.categories}
    assert validate_grid(FORM, zeros) == []


def test_fine_needs_a_closed_case():
    grid = full_grid(FORM)
    grid["文学"].update(closed=0, fine=Decimal("1.5"))
    findings = [f for f in validate_grid(FORM, grid) if f.category == "文学"]
    assert [(f.severity, f.rule, f.measure) for f in findings] == [
        (ERROR, "fine_needs_closed", "fine")]
    assert "1.5" in findings[0].message and "行政结案件数" in findings[0].message
    assert findings[0].location(FORM) == "附件1 文学 罚款金额"


def test_involved_amount_needs_a_transfer():
    grid = full_grid(FORM)
    grid["游戏"].update(transferred=0, involved=Decimal("3"))
    findings = validate_grid(FORM, grid)
    assert [f.rule for f in findings] == ["involved_needs_transferred"]


def test_more_closed_than_filed_is_only_a_warning():
    grid = full_grid(FORM)
    grid["软件"].update(filed=1, closed=3)
    findings = validate_grid(FORM, grid)
    assert [(f.severity, f.category) for f in findings] == [(WARNING, "软件")]


def test_case_required_fields_and_category():
    case = CaseRecord(number="1")
    findings = validate_cases(FORM, [case])
    fields = {f.field for f in findings}
    assert {"name", "handling_unit", "source", "summary", "category"} <= fields
    assert "result" not in fields and "remarks" not in fields


def test_a_blank_source_is_told_what_to_fill_in():
    """案件来源 left blank: the message names the usual sources, what to type instead."""
    case = sample_case(FORM, 1).copy(source="  ")
    [finding] = validate_cases(FORM, [case])
    assert finding.field == "source" and finding.message.startswith("案件来源必须填写")
    assert "群众举报" in finding.message and "上级交办" in finding.message


def test_case_numbers_must_be_unique():
    cases = [sample_case(FORM, 1), sample_case(FORM, 1)]
    findings = validate_cases(FORM, cases)
    assert [(f.case_index, f.field) for f in findings] == [(1, "number")]
    assert "第1条重复" in findings[0].message


def test_case_rules_apply_to_each_case():
    case = sample_case(FORM, 1)
    case.measures.update(closed=0)
    findings = validate_cases(FORM, [case])
    assert [f.rule for f in findings] == ["fine_needs_closed"]


def test_a_case_figure_left_blank_counts_as_zero_for_the_rules():
    """A case's blank figure adds nothing to 附件1 (grid_from_cases counts it as 0), so a
    fine with 行政结案件数 left blank breaks the rule as a 0 does: the clerk who typed only
    罚款金额 is told at the case, not later at 附件1."""
    case = sample_case(FORM, 1)
    case.measures = {"filed": 1, "fine": Decimal("1.5")}
    findings = validate_cases(FORM, [case])
    assert [(f.field, f.rule) for f in findings] == [("fine", "fine_needs_closed")]
    assert "行政结案件数为 0" in findings[0].message
    case.measures = {"involved": Decimal("12.8")}
    assert [f.rule for f in validate_cases(FORM, [case])] == ["involved_needs_transferred"]
    case.measures = {"filed": 1}  # nothing that needs another figure
    assert validate_cases(FORM, [case]) == []


def test_cases_sharing_their_figures_each_get_their_own_findings(store):
    """Cases read from the store share one mapping per set of figures, and a month's check
    works each set out once: every case of the set still gets its finding, under its own
    place and number, and a case with other figures is judged on its own."""
    wrong = sample_case(store.form, 1)
    wrong.measures.update(closed=0)  # a fine without a closed case
    right = sample_case(store.form, 4)
    store.replace_month(MonthData("2015-08", full_grid(store.form),
                                  [wrong, wrong.copy(number="201508-002"), right,
                                   wrong.copy(number="201508-003")]))
    cases = store.load_cases("2015-08")
    assert cases[0].measures is cases[1].measures is cases[3].measures
    findings = validate_cases(store.form, cases)
    assert [(f.case_index, f.case_number, f.rule) for f in findings] == [
        (0, "201508-001", "fine_needs_closed"), (1, "201508-002", "fine_needs_closed"),
        (3, "201508-003", "fine_needs_closed")]


def test_figures_checked_once_only_while_they_cannot_change(store):
    """The memo of a month's check is kept for the store's read-only mappings only: a
    plain dict (an edited or imported case) can change between two cases' checks, and a
    mapping kept by the memo cannot be freed and its identity given to other figures."""
    seen: dict = {}
    case = sample_case(store.form, 1)
    assert validate_case(store.form, case, 0, seen) == []
    case.measures["closed"] = 0  # the same dict, now a fine without a closed case
    assert [f.rule for f in validate_case(store.form, case, 1, seen)] == ["fine_needs_closed"]
    wrong = sample_case(store.form, 2)
    wrong.measures["closed"] = 0
    store.replace_month(MonthData("2015-08", full_grid(store.form),
                                  [wrong, sample_case(store.form, 3)]))
    assert [f.rule for f in validate_case(store.form, store.load_cases("2015-08")[0], 0, seen)
            ] == ["fine_needs_closed"]
    for _ in range(200):  # the first read's mapping is gone unless the memo holds it
        right = store.load_cases("2015-08")[1]
        assert validate_case(store.form, right, 1, seen) == []


def test_a_read_month_gets_the_findings_its_cases_would_get_one_by_one(store):
    """Checked once per shared set of figures, a month read from the store gets the same
    findings in the same order as its cases copied to dicts of their own, which are each
    checked in full: texts, category, figures and rules, case by case."""
    def case(i, **figures):
        made = sample_case(store.form, i).copy(number=f"201508-{i:03d}")
        made.measures.update(figures)
        return made

    cases = [case(1, closed=0), case(2, closed=0, involved=Decimal(3)), case(3),
             case(4, closed=0).copy(name=""), case(5, closed=0, involved=Decimal(3)),
             case(6).copy(category=""), case(7, closed=0)]
    store.replace_month(MonthData("2015-08", full_grid(store.form), cases))
    read = store.load_cases("2015-08")
    assert len({id(c.measures) for c in read}) == 3
    findings = validate_cases(store.form, read)
    assert findings == validate_cases(store.form, [c.copy() for c in read])
    assert [(f.case_index, f.field, f.rule) for f in findings] == [
        (0, "fine", "fine_needs_closed"),
        (1, "fine", "fine_needs_closed"), (1, "involved", "involved_needs_transferred"),
        (3, "name", None), (3, "fine", "fine_needs_closed"),
        (4, "fine", "fine_needs_closed"), (4, "involved", "involved_needs_transferred"),
        (5, "category", None),
        (6, "fine", "fine_needs_closed")]


def test_length_limits_and_control_characters():
    case = sample_case(FORM, 1)
    case.name = "案" * 201
    case.summary = "有\x07响铃"
    messages = {f.field: f.message for f in validate_cases(FORM, [case])}
    assert "最多 200 个字" in messages["name"]
    assert "控制字符" in messages["summary"]


def test_line_breaks_only_where_the_form_has_room_for_them():
    case = sample_case(FORM, 1)
    case.name = "第一行\n第二行"
    assert [f.field for f in validate_cases(FORM, [case])] == ["name"]


@pytest.mark.parametrize("phone", ["028-86697093", "0816-2345678", "0816-2345678-123",
                                   "13812345678", "028-86697093转8001"])
def test_good_phones(phone):
    assert phone_problem(phone) is None


@pytest.mark.parametrize("phone", ["", "86697093", "028 86697093", "1381234567", "23812345678",
                                   "028-866970", "phone"])
def test_bad_phones(phone):
    assert "联系电话" in phone_problem(phone)


@given(st.text(max_size=30))
def test_phone_check_never_crashes(text):
    result = phone_problem(text)
    assert result is None or "联系电话" in result


def test_profile_validation():
    good = Profile("绵阳市", "版权局", "绵阳市版权局", "张三", "0816-2345678")
    assert validate_profile(good) == []
    assert validate_profile(Profile("成都市", "文化市场综合执法总队", "成都市文化市场综合执法总队",
                                    "李四", "028-86697093")) == []
    bad = Profile("绵阳市", "文化市场综合执法总队", "", "张三", "123")
    assert {f.field for f in validate_profile(bad)} == {"department", "unit", "phone"}
    assert validate_profile(Profile("火星市", "版权局", "x", "y", "13812345678"))[0].field == "region"


def test_a_complete_consistent_month_has_no_findings():
    month = MonthData("2015-08", full_grid(FORM), [sample_case(FORM, i) for i in range(1, 4)])
    assert validate_month(FORM, month) == []


def test_a_sum_beyond_the_limits_is_an_error_in_its_cell():
    """A 市(州)'s combined figure may exceed what one input may hold."""
    grid = full_grid(FORM)
    grid["文学"]["fine"] = Decimal("10000000000")  # own 9999999999 + a department's 1
    grid["音乐"]["filed"] = 10**9 + 1
    errors = [f for f in validate_grid(FORM, grid) if f.severity == ERROR]
    where = {(f.category, f.measure) for f in errors}
    assert ("文学", "fine") in where and ("音乐", "filed") in where
    assert all("超出上限" in f.message for f in errors if (f.category, f.measure) in where)


def test_a_total_beyond_the_limits_is_an_error():
    grid = full_grid(FORM)
    for row in grid.values():
        row.update(fine=Decimal(0), servers=0)
    grid["文学"]["fine"] = Decimal("9999999999.9999")
    grid["音乐"]["fine"] = Decimal("0.0001")
    grid["影视"]["servers"] = 10**9
    grid["游戏"]["servers"] = 1
    errors = [f for f in validate_grid(FORM, grid) if f.severity == ERROR]
    assert {f.measure for f in errors} == {"fine", "servers"}
    assert all(f.category is None and "合计" in f.message and "超出上限" in f.message
               for f in errors)
    assert "10000000000.0000" in next(f.message for f in errors if f.measure == "fine")
    grid["音乐"]["fine"] = Decimal(0)
    grid["游戏"]["servers"] = 0
    assert [f for f in validate_grid(FORM, grid) if f.severity == ERROR] == []


def test_a_bad_amount_of_a_case_is_named_once():
    from jianwang_desktop.core.validation import storable_problems, validate_case

    form = FORM
    case = sample_case(form, 1)
    case.measures["fine"] = Decimal("-1")
    assert "罚款金额不能为负数" in [f.message for f in validate_case(form, case, 0)]
    case.measures["involved"] = Decimal("1.23456")
    assert storable_problems(form, case) == ["罚款金额不能为负数",
                                             "涉案金额最多保留 4 位小数(单位:万元)"]


@pytest.mark.parametrize("phone", ["0816-2345678\n", " 0816-2345678\r", "0816-2345678\x1f"])
def test_a_phone_the_receivers_would_refuse_is_not_stored(store, phone):
    """phone_problem reads the number without the white space around it (line breaks and
    U+001C–U+001F among it); data.json carries it as stored, where a receiver refuses
    a line break or a control character (interchange.month_from_dict)."""
    findings = validate_profile(MIANYANG._replace(phone=phone))
    assert [f.field for f in findings] == ["phone"] and "联系电话" in findings[0].message
    with pytest.raises(UserError):
        store.set_profile(MIANYANG._replace(phone=phone))
    assert store.profile() == MIANYANG
