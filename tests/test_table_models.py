"""The table models on their own: no window, no view."""

from decimal import Decimal

from hypothesis import assume, given
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from jianwang_desktop.core.records import CaseRecord
from jianwang_desktop.core.validation import validate_month
from jianwang_desktop.gui.case_model import CaseFilterModel, CaseTableModel
from jianwang_desktop.gui.findings_model import FindingsModel
from jianwang_desktop.gui.statistics_model import StatisticsModel, parse_tsv
from sample_data import full_grid, sample_case, sample_month


def editable_model(store, period="2015-08"):
    stack = QUndoStack()
    model = StatisticsModel(store.form, store.load_grid(period), store=store, period=period,
                            undo_stack=stack)
    return model, stack


def test_statistics_model_passes_the_qt_model_tester(qtmodeltester, store):
    store.replace_month(sample_month(store.form))
    model, _ = editable_model(store)
    qtmodeltester.check(model)


def test_set_data_stores_and_signals_the_cell_and_the_total(qtbot, store):
    model, stack = editable_model(store)
    changed = []
    model.dataChanged.connect(lambda a, b, roles=(): changed.append((a.row(), b.row())))
    assert model.setData(model.index(1, 2), "1.20")
    assert store.load_grid("2015-08")["音乐"]["fine"] == Decimal("1.20")
    assert model.index(1, 2).data() == "1.20" and model.index(6, 2).data() == "1.20"
    assert changed and changed[-1][1] == model.total_row
    stack.undo()
    assert store.load_grid("2015-08")["音乐"]["fine"] is None
    assert model.index(6, 2).data() == ""


def test_the_total_row_and_bad_text_are_refused(qtbot, store):
    model, stack = editable_model(store)
    refused = []
    model.refused.connect(refused.append)
    assert not model.flags(model.index(6, 0)) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(model.index(6, 0), "3")
    assert not model.setData(model.index(0, 0), "1.5")
    assert "文学 · 行政立案数" in refused[0] and "不能有小数" in refused[0]
    assert stack.count() == 0 and store.load_grid("2015-08")["文学"]["filed"] is None


def test_a_read_only_model_without_store_edits_nothing(store):
    model = StatisticsModel(store.form, full_grid(store.form))
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert not model.setData(model.index(0, 0), "3")


def test_paste_text_is_one_undo_step_and_reports_bad_cells(qtbot, store):
    model, stack = editable_model(store)
    problems = model.paste_text("1\t2\r\n3\tx\r\n", 0, 0)
    assert len(problems) == 1 and "音乐 · 行政结案件数" in problems[0]
    assert stack.count() == 1
    grid = store.load_grid("2015-08")
    assert (grid["文学"]["filed"], grid["文学"]["closed"], grid["音乐"]["filed"]) == (1, 2, 3)
    stack.undo()
    assert store.load_grid("2015-08")["文学"]["filed"] is None


def test_one_value_pasted_over_a_selection_fills_it(qtbot, store):
    model, _ = editable_model(store)
    targets = [model.index(r, 6) for r in range(6)]
    assert model.paste_text("0\r\n", 0, 6, fill=targets) == []
    assert [store.load_grid("2015-08")[c]["servers"] for c in store.form.categories] == [0] * 6


def test_blank_marks_only_once_the_month_is_started(qtbot, store):
    model, _ = editable_model(store)
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) is None
    model.setData(model.index(1, 1), "1")
    assert "未填写" in model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)


@given(st.lists(st.lists(st.text(alphabet="0123456789.ab -", max_size=6), min_size=1,
                         max_size=8), min_size=1, max_size=8))
def test_parse_tsv_reads_back_what_excel_writes(rows):
    assume(rows[-1] != [""])  # a last line with nothing in it cannot be told from the final CRLF
    text = "\r\n".join("\t".join(row) for row in rows) + "\r\n"
    assert parse_tsv(text) == [[cell.strip() for cell in row] for row in rows]


def test_case_model_rows_sort_and_filter(qtmodeltester, store):
    form = store.form
    cases = [sample_case(form, i).copy(id=i, name=name)
             for i, name in enumerate(["乙", "甲", "丙"], start=1)]
    model = CaseTableModel(form)
    model.set_cases(cases)
    qtmodeltester.check(model)
    proxy = CaseFilterModel()
    proxy.setSourceModel(model)
    assert proxy.rowCount() == 3
    proxy.set_search("甲")
    assert proxy.rowCount() == 1 and proxy.index(0, 1).data() == "甲"
    proxy.set_search("")
    proxy.sort(1, Qt.SortOrder.AscendingOrder)
    assert [proxy.index(r, 1).data() for r in range(3)] == sorted(["乙", "甲", "丙"])
    # Sorted by the source model's own list sort (one Python sort, not the proxy's
    # comparisons row by row): the source's rows are in that order themselves.
    assert [model.index(r, 1).data() for r in range(3)] == sorted(["乙", "甲", "丙"])
    assert model.row_of(2) == [c.id for c in model.cases()].index(2)
    model.remove(2)
    assert model.rowCount() == 2 and model.row_of(2) is None
    row = model.append(CaseRecord(name="丁", id=9))
    assert model.case_at(row).name == "丁" and model.row_of(9) == row


def test_search_reads_each_case_as_it_is_now(store):
    """Every text shown is searched in full, without regard to case, and a changed case is
    found by its new text only (nothing of its old text is kept for searching)."""
    form = store.form
    model = CaseTableModel(form)
    model.set_cases([sample_case(form, i).copy(id=i, name=f"案{i}") for i in (1, 2)])
    proxy = CaseFilterModel()
    proxy.setSourceModel(model)
    proxy.set_search("ABC")
    assert proxy.rowCount() == 0
    model.replace(model.case_at(1).copy(summary="第一行\n第二行提到 abc 网站"))
    proxy.set_search(" abc ")
    assert [proxy.index(r, 1).data() for r in range(proxy.rowCount())] == ["案2"]
    model.replace(model.case_at(1).copy(summary="已改"))
    proxy.set_search("abc")
    assert proxy.rowCount() == 0
    proxy.set_search("罚款 0.5")  # in 查处结果
    assert proxy.rowCount() == 2


def test_search_follows_the_source_model_set(store):
    """The filter keeps its source model itself: a search typed before there is one, a
    source replaced by another and a source taken away all search what is shown now."""
    form = store.form
    proxy = CaseFilterModel()
    proxy.set_search("甲")
    assert proxy.rowCount() == 0
    first, second = CaseTableModel(form), CaseTableModel(form)
    first.set_cases([sample_case(form, i).copy(id=i, name=n) for i, n in ((1, "甲"), (2, "乙"))])
    second.set_cases([sample_case(form, i).copy(id=i, name=n)
                      for i, n in ((1, "丙"), (2, "甲一"), (3, "甲二"))])
    proxy.setSourceModel(first)
    assert [proxy.index(r, 1).data() for r in range(proxy.rowCount())] == ["甲"]
    proxy.setSourceModel(second)
    assert [proxy.index(r, 1).data() for r in range(proxy.rowCount())] == ["甲一", "甲二"]
    proxy.setSourceModel(None)
    proxy.set_search("乙")
    assert proxy.rowCount() == 0


def test_case_model_shows_the_first_line_and_problems(store):
    form = store.form
    case = sample_case(form, 1).copy(id=5, handling_unit="")
    model = CaseTableModel(form)
    model.set_cases([case])
    summary_column = 5
    assert model.index(0, summary_column).data().endswith("…")
    findings = validate_month(form, sample_month(form, cases=0).__class__(
        "2015-08", full_grid(form), [case]))
    model.set_problems({5: [f for f in findings if f.case_index == 0]})
    assert "办案单位必须填写" in model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is not None


def test_findings_model_lists_errors_first_and_maps_cases(store):
    form = store.form
    month = sample_month(form)
    month.cases[1].name = ""
    month.statistics["文学"]["closed"] = 0
    month.statistics["文学"]["fine"] = Decimal(1)
    month.statistics["影视"]["filed"] = 0  # closed > filed: a warning
    findings = validate_month(form, month)
    model = FindingsModel(form)
    model.set_findings(list(reversed(findings)), [11, 12, 13])
    severities = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert severities == sorted(severities, key=lambda s: s != "错误") and "提示" in severities
    case_finding = next(f for f in model.findings() if f.section == "case")
    assert model.case_id(case_finding) == 12
    assert model.counts() == (2, 1)
