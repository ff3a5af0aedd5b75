"""The state of each month, computed without Qt (the CLI can use it too)."""

from datetime import date

from jianwang_desktop.core import month_state as ms
from jianwang_desktop.core.records import grid_from_cases
from jianwang_desktop.core.reconcile import grid_is_empty, reconcile
from sample_data import full_grid, sample_case, sample_month


def test_an_untouched_month_is_not_started(store):
    status = ms.month_status(store, "2015-08")
    assert status.state == ms.NOT_STARTED and status.errors == 0


def test_blank_cells_only_means_in_progress(store):
    store.set_cell("2015-08", "音乐", "filed", 1)
    status = ms.month_status(store, "2015-08")
    assert status.state == ms.IN_PROGRESS and status.errors == 41


def test_a_broken_rule_or_bad_case_means_errors(store):
    grid = full_grid(store.form)
    store.set_cells("2015-08", {(c, k): v for c, row in grid.items() for k, v in row.items()})
    assert ms.month_status(store, "2015-08").state == ms.VALIDATED
    store.add_case("2015-08", sample_case(store.form, 1).copy(name=""))  # a required field
    status = ms.month_status(store, "2015-08")
    assert status.state == ms.HAS_ERRORS and status.errors == 1


def test_exported_while_locked_and_correcting_with_the_next_revision_after_correction(
        store, tmp_path):
    from jianwang_desktop.core.bundle import export_month

    store.replace_month(sample_month(store.form))
    assert ms.month_status(store, "2015-08").state == ms.VALIDATED
    export_month(store, "2015-08", tmp_path)
    assert ms.month_status(store, "2015-08").state == ms.EXPORTED
    assert ms.month_status(store, "2015-09").state == ms.NOT_STARTED
    assert ms.month_status(store, "2015-08").revision == 0
    store.start_correction("2015-08", "罚款金额填错")
    status = ms.month_status(store, "2015-08")
    assert (status.state, status.revision, status.reason) == (ms.CORRECTING, 2, "罚款金额填错")
    export_month(store, "2015-08", tmp_path)
    assert ms.month_status(store, "2015-08").state == ms.EXPORTED


def test_days_left_text():
    due = date(2015, 8, 30)
    assert ms.days_left_text(due, date(2015, 8, 20)) == "还有 10 天"
    assert ms.days_left_text(due, date(2015, 8, 30)) == "今天截止"
    assert ms.days_left_text(due, date(2015, 9, 2)) == "已逾期 3 天"


def test_reconcile_lists_each_differing_cell(store):
    form = store.form
    cases = [sample_case(form, 1), sample_case(form, 2, category="影视")]
    grid = grid_from_cases(form, cases)
    assert reconcile(form, grid, cases) == []
    grid["影视"]["fine"] = grid["影视"]["fine"] + 1
    grid["文学"]["filed"] = None  # blank where the cases say 0: not a difference
    differences = reconcile(form, grid, cases)
    assert [(d.category, d.measure) for d in differences] == [("影视", "fine")]
    assert differences[0].from_cases == cases[1].measures["fine"]
    empty = {c: {k: None for k in form.measure_keys} for c in form.categories}
    assert grid_is_empty(empty) and not grid_is_empty(grid)
    nonzero = [k for k, v in cases[0].measures.items() if v]  # filed, closed, fine, sites_closed
    differences = reconcile(form, empty, cases)
    assert sorted((d.category, d.measure) for d in differences) == sorted(
        (c, k) for c in ("音乐", "影视") for k in nonzero)


def test_a_correction_reason_is_shown_on_one_line_without_its_full_stop_and_cut():
    assert ms.reason_text("罚款金额填错,更正后重新报送。") == "罚款金额填错,更正后重新报送"
    assert ms.reason_text("第一行\n第二行;") == "第一行 第二行"
    assert ms.reason_text(None) == ""
    long = "案" * 80
    shown = ms.reason_text(long)
    assert len(shown) == 60 and shown.endswith("…") and shown.startswith("案" * 59)
