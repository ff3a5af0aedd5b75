"""附件1 in the window: typing, keys, paste, undo, totals, findings, autosave."""

from decimal import Decimal

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QSizePolicy

from jianwang_desktop.core.store import Store
from jianwang_desktop.gui.colours import ERROR_BACKGROUND
from jianwang_desktop.gui.statistics_model import SetCellsCommand
from gui_helpers import cell_text, go_to_cell, open_main, type_into_cell  # noqa: F401
from sample_data import full_grid, sample_month

TOTAL = 6  # the 合计 row


def test_typing_replaces_enter_moves_down_and_the_total_follows(qtbot, store, open_main):
    store.set_cell("2015-08", "文学", "filed", 5)
    window = open_main()
    type_into_cell(qtbot, window, 0, 0, "12")
    assert cell_text(window, 0, 0) == "12"  # typed over 5, not appended to it
    assert window.statistics_view.currentIndex().row() == 1
    type_into_cell(qtbot, window, 1, 0, "3")
    assert cell_text(window, TOTAL, 0) == "15"
    assert store.load_grid("2015-08")["文学"]["filed"] == 12  # stored at once
    assert store.load_grid("2015-08")["音乐"]["filed"] == 3


def test_tab_moves_right_and_amounts_stay_exact(qtbot, store, open_main):
    window = open_main()
    type_into_cell(qtbot, window, 0, 2, "0.1", key=Qt.Key.Key_Tab)
    current = window.statistics_view.currentIndex()
    assert (current.row(), current.column()) == (0, 3)
    type_into_cell(qtbot, window, 1, 2, "0.2")
    assert cell_text(window, TOTAL, 2) == "0.3"
    assert store.load_grid("2015-08")["文学"]["fine"] == Decimal("0.1")


def test_a_bad_value_keeps_the_editor_open_and_marks_it(qtbot, store, open_main):
    window = open_main()
    view = window.statistics_view
    go_to_cell(qtbot, window, 0, 1)
    qtbot.keyClicks(view, "x")
    editor = view.indexWidget(view.currentIndex())
    qtbot.keyClicks(editor, "y")
    assert "应填写整数" in editor.toolTip() and editor.styleSheet()
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.wait(5)
    assert view.indexWidget(view.currentIndex()) is editor  # still editing, nothing stored
    assert store.load_grid("2015-08")["文学"]["closed"] is None
    editor.selectAll()
    qtbot.keyClicks(editor, "2")
    assert editor.toolTip() == ""
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.wait(5)
    assert store.load_grid("2015-08")["文学"]["closed"] == 2


def test_arrows_move_and_delete_clears(qtbot, store, open_main):
    store.set_cells("2015-08", {("文学", "filed"): 4, ("文学", "closed"): 2})
    window = open_main()
    view = window.statistics_view
    go_to_cell(qtbot, window, 0, 0)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert view.currentIndex().column() == 1
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert cell_text(window, 0, 1) == ""
    assert store.load_grid("2015-08")["文学"]["closed"] is None
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == 1


def paste(qtbot, window, text: str, row: int = 0, column: int = 0) -> None:
    QGuiApplication.clipboard().setText(text)
    go_to_cell(qtbot, window, row, column)
    qtbot.keyClick(window.statistics_view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def block_of(form, grid) -> str:
    """The grid as Excel puts it on the clipboard: tabs, CRLF, a final CRLF."""
    lines = []
    for category in form.categories:
        lines.append("\t".join(str(grid[category][k]) for k in form.measure_keys))
    return "\r\n".join(lines) + "\r\n"


def test_paste_a_6x7_block_from_excel_and_undo_it_in_one_step(qtbot, store, open_main):
    window = open_main()
    grid = full_grid(store.form)
    paste(qtbot, window, block_of(store.form, grid))
    assert store.load_grid("2015-08") == grid
    assert cell_text(window, TOTAL, 0) == str(sum(r["filed"] for r in grid.values()))
    assert cell_text(window, TOTAL, 4) == str(sum(r["involved"] for r in grid.values()))
    assert window.message_bar.isHidden()
    assert window.undo_stack.count() == 1
    window.undo_button.click()
    assert all(v is None for row in store.load_grid("2015-08").values() for v in row.values())
    assert cell_text(window, TOTAL, 0) == ""
    window.redo_button.click()
    assert store.load_grid("2015-08") == grid


def test_paste_with_a_bad_cell_applies_the_rest_and_says_which(qtbot, store, open_main):
    window = open_main()
    paste(qtbot, window, "1\t2\t0.5\r\n3\tabc\t-1\r\n", row=0, column=0)
    grid = store.load_grid("2015-08")
    assert (grid["文学"]["filed"], grid["文学"]["closed"], grid["文学"]["fine"]) == (1, 2, Decimal("0.5"))
    assert grid["音乐"]["filed"] == 3
    assert grid["音乐"]["closed"] is None and grid["音乐"]["fine"] is None
    message = window.message_label.text()
    assert window.message_label.isVisible()
    assert "音乐 · 行政结案件数" in message and "abc" in message
    assert "音乐 · 罚款金额" in message and "负数" in message


def test_a_block_copied_with_its_category_column_goes_under_the_right_headings(
        qtbot, store, open_main):
    """Rows copied from the office's own sheet with 案件类别 (and 合计) beside the numbers:
    the names are not numbers, each row goes to the category it names, 合计 is computed."""
    window = open_main()
    grid = full_grid(store.form)
    order = ["音乐", "文学", *store.form.categories[2:]]
    lines = ["\t".join([c] + [str(grid[c][k]) for k in store.form.measure_keys]) for c in order]
    lines.append("\t".join(["合计"] + ["0"] * len(store.form.measure_keys)))
    paste(qtbot, window, "\r\n".join(lines) + "\r\n", row=0, column=0)
    assert store.load_grid("2015-08") == grid
    assert window.message_bar.isHidden()
    assert window.undo_stack.count() == 1


def test_paste_past_the_edge_is_refused_for_those_cells(qtbot, store, open_main):
    window = open_main()
    paste(qtbot, window, "1\t2\r\n3\t4\r\n", row=5, column=6)
    grid = store.load_grid("2015-08")
    assert grid["其他"]["servers"] == 1
    assert "超出了表格" in window.message_label.text()


def test_copy_gives_excel_a_tab_separated_block(qtbot, store, open_main):
    store.set_cells("2015-08", {("文学", "filed"): 4, ("文学", "fine"): Decimal("1.25"),
                                ("音乐", "filed"): 7})
    window = open_main()
    view = window.statistics_view
    model = window.statistics_model
    view.selectionModel().select(QItemSelection(model.index(0, 0), model.index(1, 2)),
                                 QItemSelectionModel.SelectionFlag.ClearAndSelect)
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "4\t\t1.25\r\n7\t\t\r\n"


def test_fill_blanks_with_zero_then_findings_are_clear(qtbot, store, open_main):
    store.set_cell("2015-08", "音乐", "filed", 2)
    window = open_main()
    assert window.findings_model.counts()[0] == 41  # every other cell is still blank
    with qtbot.waitSignal(window.findings_updated):
        window.fill_zero_button.click()
    assert window.findings_model.counts() == (0, 0)
    grid = store.load_grid("2015-08")
    assert grid["音乐"]["filed"] == 2 and grid["文学"]["fine"] == Decimal(0)
    assert window.month_model.status(1).state == "已校验"
    window.undo_button.click()
    assert store.load_grid("2015-08")["文学"]["fine"] is None


def test_a_rule_break_is_marked_in_the_cell_and_listed_then_jumped_to(qtbot, store, open_main):
    grid = full_grid(store.form)
    store.set_cells("2015-08", {(c, k): v for c, row in grid.items() for k, v in row.items()})
    window = open_main()
    with qtbot.waitSignal(window.findings_updated):
        type_into_cell(qtbot, window, 0, 1, "0")  # 文学: fine 0.75 but closed 0
    model = window.statistics_model
    index = model.index(0, 2)
    assert "有罚款时行政结案件数至少为 1" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert index.data(Qt.ItemDataRole.BackgroundRole) == ERROR_BACKGROUND
    view = window.statistics_view
    rect = view.visualRect(index)
    painted = view.viewport().grab().toImage().pixelColor(rect.left() + 3, rect.center().y())
    assert painted.name() == ERROR_BACKGROUND.name()  # a colour for a background role is painted
    assert window.month_model.status(1).state == "有错误"
    findings = window.findings_model
    row = next(r for r in range(findings.rowCount())
               if "罚款" in findings.index(r, 2).data())
    assert "附件1 文学" in findings.index(row, 1).data()
    window.tabs.setCurrentWidget(window.findings_page)
    window.jump_to_finding(findings.index(row, 0))
    assert window.tabs.currentWidget() is window.statistics_page
    current = window.statistics_view.currentIndex()
    assert (current.row(), current.column()) == (0, 2)


def test_everything_is_there_after_a_restart(qtbot, db_path, store, open_main):
    window = open_main()
    type_into_cell(qtbot, window, 2, 0, "9")
    paste(qtbot, window, "1.5\t2\r\n", row=3, column=2)
    window.close()
    store.close()
    with Store(db_path) as again:
        window2 = open_main(again)
        qtbot.waitUntil(lambda: not window2.start_pending)  # before `again` closes
        assert cell_text(window2, 2, 0) == "9"
        assert cell_text(window2, 3, 2) == "1.5" and cell_text(window2, 3, 3) == "2"
        assert cell_text(window2, TOTAL, 0) == "9"
        window2.close()


def test_a_locked_month_is_shown_but_not_edited(qtbot, store, open_main, tmp_path):
    from jianwang_desktop.core.bundle import export_month

    month = sample_month(store.form)
    month.statistics["文学"]["filed"] = 4
    store.replace_month(month)
    export_month(store, "2015-08", tmp_path)
    window = open_main()
    assert "【已导出】" in window.month_model.index(1).data()
    assert "锁定" in window.lock_label.text() and window.lock_banner.isVisible()
    model = window.statistics_model
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    paste(qtbot, window, "9\r\n")
    assert store.load_grid("2015-08")["文学"]["filed"] == 4
    assert not window.add_case_button.isEnabled() and not window.fill_zero_button.isEnabled()
    assert window.grid_hint.isHidden()  # “直接输入数字…” does not apply
    assert window.grid_hint.sizePolicy().retainSizeWhenHidden()  # the buttons stay put
    # As tall as the form (the notes follow right under it): the policy from the .ui file.
    policy = window.statistics_view.sizePolicy()
    assert (policy.horizontalPolicy(), policy.verticalPolicy()) == (
        QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    window.show_message("")
    # Typing says why nothing happens, as paste does.
    go_to_cell(qtbot, window, 0, 0)
    qtbot.keyClicks(window.statistics_view, "7")
    assert window.statistics_view.indexWidget(window.statistics_view.currentIndex()) is None
    assert window.message_bar.isVisible() and "锁定" in window.message_bar.text()
    assert "更正" in window.message_bar.text()
    layout = window.work_pane.layout()  # the message above the locked month's banner
    assert window.lock_banner.isVisible()
    assert layout.indexOf(window.message_bar) < layout.indexOf(window.lock_banner)
    assert store.load_grid("2015-08")["文学"]["filed"] == 4
    window.month_list.setCurrentIndex(window.month_model.index(2))
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert window.add_case_button.isEnabled() and window.grid_hint.isVisible()


def test_typing_on_the_total_row_says_it_is_computed(qtbot, store, open_main):
    window = open_main()
    go_to_cell(qtbot, window, TOTAL, 0)
    qtbot.keyClicks(window.statistics_view, "5")
    assert window.statistics_view.indexWidget(window.statistics_view.currentIndex()) is None
    assert "合计由各类别自动相加" in window.message_bar.text()


def test_a_whole_month_with_the_keyboard_alone(qtbot, store, open_main):
    """Tab from cell to cell through all 42 cells, typing each value: the month validates."""
    window = open_main()
    view = window.statistics_view
    grid = full_grid(store.form)
    go_to_cell(qtbot, window, 0, 0)
    for category in store.form.categories:
        for key in store.form.measure_keys:
            text = str(grid[category][key])
            qtbot.keyClicks(view, text[0])
            editor = view.indexWidget(view.currentIndex())
            qtbot.keyClicks(editor, text[1:])
            qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert store.load_grid("2015-08") == grid
    qtbot.waitUntil(lambda: window.findings_model.counts() == (0, 0))
    assert window.month_model.status(1).state == "已校验"


def test_the_header_groups_columns_as_on_paper(store, open_main):
    window = open_main()
    header = window.statistics_view.horizontalHeader()
    keys = store.form.measure_keys
    assert header.group_span(keys.index("fine")) == (keys.index("closed"), keys.index("fine"))
    assert header.group_span(keys.index("transferred")) == (3, 4)
    assert header.group_span(0) == (0, 0)
    assert header.height() >= 3 * header.fontMetrics().height()  # group row + two-line heading
    corner = window.statistics_view.corner_label
    assert corner.text() == "案件类别" and corner.width() == window.statistics_view.verticalHeader().width()
    # As drawn: one group cell over 件数 and 罚款金额, a line between them only below it.
    image = header.grab().toImage()
    border = header.sectionViewportPosition(keys.index("fine"))
    left, right = border - 12, border + 12
    top_row, bottom_row = 3, header.height() - 4  # above the group's text, under the headings

    def colours_along(y: int) -> set[str]:
        return {image.pixelColor(x, y).name() for x in range(left, right)}

    assert len(colours_along(top_row)) == 1
    assert len(colours_along(bottom_row)) > 1  # the line between the two columns
    cells = header.cells.model()
    n = len(keys)
    assert [cells.headerData(i, Qt.Orientation.Horizontal) for i in (0, 2, n + 2, n + 3, n + 6)] \
        == ["", "件数", "行政结案数", "行政结案数", ""]


def open_editor_with(qtbot, window, row: int, column: int, text: str):
    """Type into a cell without Enter: the editor stays open with the text."""
    go_to_cell(qtbot, window, row, column)
    view = window.statistics_view
    qtbot.keyClicks(view, text[0])
    editor = view.indexWidget(view.currentIndex())
    assert editor is not None
    qtbot.keyClicks(editor, text[1:])
    return editor


def test_a_value_still_being_typed_is_stored_when_the_window_closes(qtbot, store, open_main):
    window = open_main()
    open_editor_with(qtbot, window, 0, 0, "73")
    assert store.load_grid("2015-08")["文学"]["filed"] is None
    window.close()
    assert store.load_grid("2015-08")["文学"]["filed"] == 73


def test_a_value_still_being_typed_is_stored_when_the_month_changes(qtbot, store, open_main):
    window = open_main()
    open_editor_with(qtbot, window, 1, 2, "0.25")
    window.select_month("2015-09")  # as the menus do after an import
    assert store.load_grid("2015-08")["音乐"]["fine"] == Decimal("0.25")
    assert store.load_grid("2015-09")["音乐"]["fine"] is None
    assert window.period == "2015-09"


def test_undo_never_reaches_a_month_no_longer_shown(qtbot, store, open_main):
    window = open_main()
    type_into_cell(qtbot, window, 0, 0, "5")
    stale = SetCellsCommand(window.statistics_model, {("文学", "filed"): 6}, "stale")  # before: 5
    type_into_cell(qtbot, window, 0, 0, "6")
    window.select_month("2015-09")
    assert window.undo_stack.count() == 0 and not window.undo_button.isEnabled()
    stale.undo()  # a command of August while September is shown: writes nothing, raises nothing
    assert store.load_grid("2015-08")["文学"]["filed"] == 6
    assert store.load_grid("2015-09")["文学"]["filed"] is None
    assert cell_text(window, 0, 0) == ""
