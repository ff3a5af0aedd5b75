"""附件2 in the window: add, edit, duplicate, delete, search, findings, reconciliation."""

from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from jianwang_desktop.core.store import Store
from gui_helpers import open_main, type_text  # noqa: F401
from sample_data import sample_case


def edit_line(qtbot, widget, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    type_text(qtbot, widget, text)
    widget.editingFinished.emit()  # what leaving the field does


def test_add_a_case_and_fill_it_with_the_keyboard(qtbot, store, open_main):
    window = open_main()
    window.tabs.setCurrentWidget(window.cases_page)
    qtbot.mouseClick(window.add_case_button, Qt.MouseButton.LeftButton)
    editor = window.case_editor
    case = editor.case()
    assert case.number == "201508-001" and case.handling_unit == "绵阳市版权局"
    edit_line(qtbot, editor.fields["name"], "某影视网站侵权案")
    editor.source.setFocus()
    editor.source.lineEdit().selectAll()
    type_text(qtbot, editor.source.lineEdit(), "网络巡查")  # not in the list: allowed
    editor.source.lineEdit().editingFinished.emit()
    editor.category.setCurrentText("影视")
    edit_line(qtbot, editor.measure_edits["filed"], "1")
    edit_line(qtbot, editor.measure_edits["fine"], "0.35")
    summary = editor.fields["summary"]
    summary.setFocus()
    type_text(qtbot, summary, "第一行")
    qtbot.keyClick(summary, Qt.Key.Key_Return)
    type_text(qtbot, summary, "第二行")
    editor.commit()
    stored = store.load_cases("2015-08")
    assert len(stored) == 1
    got = stored[0]
    assert (got.name, got.source, got.category) == ("某影视网站侵权案", "网络巡查", "影视")
    assert got.summary == "第一行\n第二行"
    assert got.measures == {"filed": 1, "fine": Decimal("0.35")}
    assert window.case_model.index(0, 1).data() == "某影视网站侵权案"


def test_a_bad_number_in_a_case_is_marked_and_not_stored(qtbot, store, open_main):
    store.add_case("2015-08", sample_case(store.form, 1))
    window = open_main()
    window.select_case(store.load_cases("2015-08")[0].id)
    editor = window.case_editor
    edit_line(qtbot, editor.measure_edits["fine"], "1.23456")
    assert "最多保留 4 位小数" in editor.measure_edits["fine"].toolTip()
    assert editor.measure_edits["fine"].styleSheet()
    assert store.load_cases("2015-08")[0].measures["fine"] == Decimal("0.5")
    edit_line(qtbot, editor.measure_edits["fine"], "1.2345")
    assert editor.measure_edits["fine"].toolTip() == ""
    assert store.load_cases("2015-08")[0].measures["fine"] == Decimal("1.2345")


def test_a_negative_amount_is_told_once_next_to_the_numbers(qtbot, store, open_main):
    store.add_case("2015-08", sample_case(store.form, 1))
    window = open_main()
    window.resize(1366, 690)
    window.select_case(store.load_cases("2015-08")[0].id)
    editor = window.case_editor
    assert editor.problem_label.isHidden()
    edit_line(qtbot, editor.measure_edits["fine"], "-1")
    assert editor.problem_label.text() == "罚款金额不能为负数"
    assert editor.measure_edits["fine"].toolTip() == "罚款金额不能为负数"
    qtbot.wait(10)
    # Where the clerk is typing, not below the visible part of the pane.
    assert editor.problem_label.isVisible() and not editor.problem_label.visibleRegion().isEmpty()


def test_a_duplicate_number_is_refused_with_a_message(qtbot, store, open_main):
    store.add_case("2015-08", sample_case(store.form, 1))
    store.add_case("2015-08", sample_case(store.form, 2))
    window = open_main()
    second = store.load_cases("2015-08")[1]
    window.select_case(second.id)
    edit_line(qtbot, window.case_editor.fields["number"], "201508-001")
    assert "已被本月另一条案件使用" in window.case_editor.problem_label.text()
    assert "可改用 201508-003" in window.case_editor.problem_label.text()  # what to type instead
    assert store.load_case(second.id).number == "201508-002"
    number = window.case_editor.fields["number"]  # marked where it was typed, not only below
    assert number.styleSheet() and "已被本月另一条案件使用" in number.toolTip()
    assert not window.case_editor.fields["name"].styleSheet()
    # typing in another field checks the case again: the refused number stays marked
    name = window.case_editor.fields["name"]
    name.setFocus()
    type_text(qtbot, name, "又")
    assert number.styleSheet() and "已被本月另一条案件使用" in number.toolTip()
    assert "已被本月另一条案件使用" in window.case_editor.problem_label.text()
    edit_line(qtbot, number, "201508-009")  # put right: stored, and no longer marked
    assert store.load_case(second.id).number == "201508-009"
    assert not number.styleSheet() and "已被" not in window.case_editor.problem_label.text()


def test_what_is_typed_after_a_refused_field_is_stored_all_the_same(qtbot, store, open_main,
                                                                     monkeypatch):
    """A number already used, or a 案情简介 pasted too long, is refused; the other fields the
    clerk goes on to type are stored all the same (they had been lost with the case's move
    to another case or the window's close), and the refused field keeps its stored value."""
    window, first, second, asked = refusing_window(store, open_main, monkeypatch,
                                                    [True, True])
    editor = window.case_editor
    edit_line(qtbot, editor.fields["number"], "201508-001")
    edit_line(qtbot, editor.fields["name"], "某APP未经许可传播影视作品案")
    assert "已被本月另一条案件使用" in editor.problem_label.text()
    assert "本案其他内容已保存" in editor.problem_label.text()
    window.select_case(first.id)
    stored = store.load_case(second.id)
    assert (stored.number, stored.name) == ("201508-002", "某APP未经许可传播影视作品案")
    assert window.case_model.case_at(1).name == "某APP未经许可传播影视作品案"

    window.select_case(second.id)
    summary = editor.fields["summary"]
    summary.setPlainText("案情" * 2600)  # pasted from Word: 5200 characters
    editor.commit()
    assert "案情简介过长" in editor.problem_label.text()
    result = editor.fields["result"]
    result.setFocus()
    result.selectAll()
    type_text(qtbot, result, "责令删除")
    window.close()  # closing stores what is typed (the refused 案情简介 let go)
    stored = store.load_case(second.id)
    assert stored.result == "责令删除" and stored.summary == sample_case(store.form, 2).summary
    assert "编号" in asked[0] and "案情简介" in asked[1] and len(asked) == 2


def test_a_refused_field_edited_with_others_is_named_as_what_was_not_stored(qtbot, store,
                                                                            open_main,
                                                                            monkeypatch):
    """The store's heading, 案件信息有误,未保存, speaks of the whole case: where the other
    fields of the same edit were stored, the pane says what was not."""
    store.add_case("2015-08", sample_case(store.form, 1))
    window = open_main()
    case = store.load_cases("2015-08")[0]
    window.select_case(case.id)
    editor = window.case_editor
    editor.fields["name"].setText("某网站传播文学作品案")
    editor.fields["summary"].setPlainText("案情" * 2600)
    editor.commit()  # one edit: a new name, and a 案情简介 too long
    shown = editor.problem_label.text()
    assert shown.startswith("以下内容没有保存") and "案情简介过长" in shown
    assert "本案其他内容已保存" in shown and "案件信息有误" not in shown
    assert store.load_case(case.id).name == "某网站传播文学作品案"
    from jianwang_desktop.gui.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "ask_to_drop_unsaved", lambda self, text: True)  # closing


def refusing_window(store, open_main, monkeypatch, answers: list[bool]):
    """A window on 2015-08's second case, the clerk's answers to the question about text the
    store refused taken in turn (True: let it go), the questions asked kept."""
    from jianwang_desktop.gui.main_window import MainWindow

    store.add_case("2015-08", sample_case(store.form, 1))
    store.add_case("2015-08", sample_case(store.form, 2))
    asked = []
    monkeypatch.setattr(MainWindow, "ask_to_drop_unsaved",
                        lambda self, text: asked.append(text) or answers.pop(0))
    window = open_main()
    first, second = store.load_cases("2015-08")
    window.select_case(second.id)
    return window, first, second, asked


TOO_LONG = "案情" * 2600  # a 案情简介 pasted from Word: 5200 characters


def paste_too_long(window):
    """The 案情简介 field, a text too long for it pasted in: the store refuses it."""
    summary = window.case_editor.fields["summary"]
    summary.setPlainText(TOO_LONG)
    return summary


def test_text_the_store_refused_is_not_lost_when_the_window_closes(qtbot, store, open_main,
                                                                     monkeypatch):
    """A 案情简介 pasted longer than the form allows is refused by the store and is only in
    the pane: closing asks first, and going back keeps the window open with the text."""
    window, _first, second, asked = refusing_window(store, open_main, monkeypatch,
                                                    [False, True])
    summary = window.case_editor.fields["summary"]
    summary.setPlainText("案情" * 2600)  # pasted from Word: 5200 characters
    assert window.close() is False  # back to put it right
    assert window.isVisible() and summary.toPlainText() == "案情" * 2600
    assert summary.hasFocus() or QApplication.focusWidget() is None  # (offscreen focus)
    assert "附件2 第2条(编号 201508-002)的案情简介没有保存" in asked[0]
    assert "过长" in asked[0] and "本案其他内容已保存" not in asked[0]
    assert window.close() is True  # let go: closed, the case as stored
    assert store.load_case(second.id).summary == sample_case(store.form, 2).summary
    assert len(asked) == 2


def test_text_the_store_refused_is_not_lost_by_moving_to_another_case(qtbot, store, open_main,
                                                                       monkeypatch):
    window, first, second, asked = refusing_window(store, open_main, monkeypatch,
                                                   [False, True])
    editor = window.case_editor
    edit_line(qtbot, editor.fields["number"], "201508-001")  # the first case's number
    window.cases_view.setCurrentIndex(window.case_proxy.index(0, 0))  # the clerk clicks it
    qtbot.waitUntil(lambda: window._back_to_case is None)
    assert editor.case().id == second.id and editor.fields["number"].text() == "201508-001"
    assert window.current_case().id == second.id  # its row chosen again
    assert "编号" in asked[0] and "已被本月另一条案件使用" in asked[0]
    window.cases_view.setCurrentIndex(window.case_proxy.index(0, 0))  # and let go
    assert editor.case().id == first.id and editor.fields["number"].text() == "201508-001"
    assert store.load_case(second.id).number == "201508-002" and len(asked) == 2


def test_text_the_store_refused_is_not_lost_by_moving_to_another_month(qtbot, store, open_main,
                                                                        monkeypatch):
    window, _first, second, asked = refusing_window(store, open_main, monkeypatch,
                                                    [False, True])
    window.case_editor.fields["summary"].setPlainText("案情" * 2600)
    window.select_month("2015-09")
    qtbot.wait(10)  # the month's row is put back after this change of row
    assert window.period == "2015-08" and window.case_editor.case().id == second.id
    assert window.month_list.currentIndex().row() == window.month_model.row_of("2015-08")
    assert window.case_editor.fields["summary"].toPlainText() == "案情" * 2600
    window.select_month("2015-09")
    assert window.period == "2015-09" and len(asked) == 2


def test_nothing_is_asked_when_nothing_was_refused(qtbot, store, open_main, monkeypatch):
    window, first, second, asked = refusing_window(store, open_main, monkeypatch, [])
    edit_line(qtbot, window.case_editor.fields["name"], "某APP未经许可传播影视作品案")
    window.cases_view.setCurrentIndex(window.case_proxy.index(0, 0))
    assert window.case_editor.case().id == first.id
    window.add_case()
    window.select_month("2015-09")
    window.select_month("2015-08")
    assert window.close() is True and asked == []
    assert store.load_case(second.id).name == "某APP未经许可传播影视作品案"


def test_a_search_hiding_the_case_does_not_lose_the_text_the_store_refused(
        qtbot, store, open_main, monkeypatch):
    """The search asks before the list changes: a check ending while the question is open
    (it repaints the list's rows) once asked a second question over the first and emptied
    the pane, the question having been asked from within the list's change of rows."""
    from jianwang_desktop.gui.main_window import MainWindow

    window, first, second, asked = refusing_window(store, open_main, monkeypatch, [])
    store.add_case("2015-08", sample_case(store.form, 3).copy(name="另一条案件"))
    window.reload_month("2015-08")
    window.select_case(second.id)
    summary = paste_too_long(window)

    def ask(self, text):
        asked.append(text)
        self.check_now()  # a check ending meanwhile: the list's rows repainted
        self.case_model.replace(store.load_case(first.id))
        QApplication.processEvents()
        return len(asked) > 1  # back to put it right, then let go

    monkeypatch.setattr(MainWindow, "ask_to_drop_unsaved", ask)
    window.search_edit.setText("另一条")  # finds the third case only
    qtbot.waitUntil(lambda: bool(asked))
    qtbot.wait(300)  # the search box's own search again, for everything
    assert len(asked) == 1  # the search gives way, the case stays with its text
    assert window.case_editor.case().id == second.id and summary.toPlainText() == TOO_LONG
    assert window.current_case().id == second.id and window.search_edit.text() == ""
    assert window.case_proxy.rowCount() == 3
    window.search_edit.setText("另一条")  # and let go
    qtbot.waitUntil(lambda: window.case_proxy.rowCount() == 1)
    assert len(asked) == 2 and window.case_editor.case().id != second.id
    assert store.load_case(second.id).summary == sample_case(store.form, 2).summary


def test_a_new_case_waits_for_the_answer_about_text_the_store_refused(
        qtbot, store, open_main, monkeypatch):
    """Ctrl+N (and 复制) ask before adding: going back adds nothing; letting go asks once."""
    window, _first, second, asked = refusing_window(store, open_main, monkeypatch,
                                                    [False, True])
    summary = paste_too_long(window)
    window.add_case()
    qtbot.wait(10)
    assert len(store.load_cases("2015-08")) == 2  # nothing added under the question
    assert window.case_editor.case().id == second.id and summary.toPlainText() == TOO_LONG
    assert summary.hasFocus()  # on the field to put right, not the new case's name
    window.duplicate_case_button.click()
    assert len(asked) == 2 and len(store.load_cases("2015-08")) == 3  # let go: added
    assert window.case_editor.case().number == "201508-003" and len(asked) == 2


def test_a_jump_to_another_cases_finding_stays_on_the_text_the_store_refused(
        qtbot, store, open_main, monkeypatch):
    from jianwang_desktop.gui.findings_model import FindingRole

    window, first, second, asked = refusing_window(store, open_main, monkeypatch, [False, True])
    store.update_case("2015-08", first.copy(name=""))  # a finding on the first case
    window.reload_month("2015-08")
    window.select_case(second.id)
    summary = paste_too_long(window)
    window.check_now()
    model = window.findings_model
    row = next(r for r in range(model.rowCount())
               if model.index(r, 0).data(FindingRole).section == "case")
    window.tabs.setCurrentWidget(window.findings_page)
    window.jump_to_finding(model.index(row, 0))
    qtbot.waitUntil(lambda: window._back_to_case is None)
    assert len(asked) == 1 and window.case_editor.case().id == second.id
    assert summary.hasFocus() and window.tabs.currentWidget() is window.cases_page


def test_bundles_received_meanwhile_keep_the_text_the_store_refused(qtbot, store, open_main,
                                                                    monkeypatch):
    """A 市 clerk's 导入数据包 window is no dialog: its end reloads the month shown under the
    case pane. The text the store refused stays in its field, still marked, nothing asked."""
    window, _first, second, asked = refusing_window(store, open_main, monkeypatch, [True])
    summary = paste_too_long(window)
    window.case_editor.flush()
    window.refresh_received()  # what the import window's end does
    assert window.case_editor.case().id == second.id and summary.toPlainText() == TOO_LONG
    assert summary.styleSheet() and "案情简介过长" in summary.toolTip() and asked == []
    assert store.load_case(second.id).summary == sample_case(store.form, 2).summary
    window.close()
    assert len(asked) == 1


def test_a_field_being_typed_is_stored_when_bundles_received_reload_the_month(
        qtbot, store, open_main, monkeypatch):
    window, _first, second, asked = refusing_window(store, open_main, monkeypatch, [])
    result = window.case_editor.fields["result"]
    result.setPlainText("责令删除")  # still being typed: stored a moment later, or on leaving
    window.reload_month("2015-08")
    assert store.load_case(second.id).result == "责令删除" and result.toPlainText() == "责令删除"
    assert "不存在" not in window.message_label.text() and asked == []


def test_going_back_from_another_page_shows_the_field_to_put_right(qtbot, store, open_main,
                                                                 monkeypatch):
    window, _first, second, asked = refusing_window(store, open_main, monkeypatch, [False, True])
    summary = paste_too_long(window)
    window.tabs.setCurrentWidget(window.statistics_page)  # the clerk went on to 附件1
    window.select_month("2015-09")
    qtbot.wait(10)
    assert window.period == "2015-08" and len(asked) == 1
    assert window.tabs.currentWidget() is window.cases_page and summary.hasFocus()


def test_duplicate_and_delete_which_asks_first(qtbot, store, open_main, monkeypatch):
    store.add_case("2015-08", sample_case(store.form, 1))
    window = open_main()
    window.select_case(store.load_cases("2015-08")[0].id)
    window.duplicate_case_button.click()
    cases = store.load_cases("2015-08")
    assert [c.number for c in cases] == ["201508-001", "201508-002"]
    assert cases[1].summary == cases[0].summary and cases[1].id != cases[0].id
    assert window.case_editor.case().id == cases[1].id

    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *args, **kw: asked.append(args[2]) or QMessageBox.StandardButton.No)
    window.delete_case_button.click()
    assert len(store.load_cases("2015-08")) == 2 and "201508-002" in asked[0]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.delete_case_button.click()
    assert [c.number for c in store.load_cases("2015-08")] == ["201508-001"]
    assert window.case_model.rowCount() == 1 and "共 1 条" in window.cases_count_label.text()


def test_search_filters_and_sorting_reorders(qtbot, store, open_main):
    for i, name in enumerate(["乙案", "甲网站案", "丙案"], start=1):
        store.add_case("2015-08", sample_case(store.form, i).copy(name=name))
    window = open_main()
    type_text(qtbot, window.search_edit, "甲网")
    qtbot.waitUntil(lambda: window.case_proxy.rowCount() == 1)
    assert window.case_proxy.index(0, 1).data() == "甲网站案"
    window.search_edit.clear()
    qtbot.waitUntil(lambda: window.case_proxy.rowCount() == 3)
    window.cases_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert [window.case_proxy.index(r, 0).data() for r in range(3)] == [
        "201508-003", "201508-002", "201508-001"]


def test_a_case_finding_jumps_to_the_case_and_field(qtbot, store, open_main):
    store.add_case("2015-08", sample_case(store.form, 1))
    store.add_case("2015-08", sample_case(store.form, 2).copy(handling_unit=""))
    window = open_main()
    findings = window.findings_model
    row = next(r for r in range(findings.rowCount()) if "办案单位" in findings.index(r, 2).data())
    assert "附件2 第2条(编号 201508-002)" in findings.index(row, 1).data()
    window.jump_to_finding(findings.index(row, 0))
    assert window.tabs.currentWidget() is window.cases_page
    assert window.case_editor.case().number == "201508-002"
    assert window.case_editor.fields["handling_unit"].styleSheet()
    second = window.case_model.index(window.case_model.row_of(window.case_editor.case().id), 0)
    assert "办案单位必须填写" in second.data(Qt.ItemDataRole.ToolTipRole)


@pytest.mark.parametrize("size", [(1024, 600), (800, 560)])
def test_a_finding_on_a_text_low_in_the_pane_scrolls_it_into_view(qtbot, store, open_main,
                                                                   size):
    """On a laptop screen 案情简介 and below lie under the fold of the case pane (and of the
    window's panel): a jump to a finding on one of them scrolls them to it, not only the focus."""
    store.add_case("2015-08", sample_case(store.form, 1).copy(summary=""))
    window = open_main()
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0])
    findings = window.findings_model
    row = next(r for r in range(findings.rowCount()) if "案情简介" in findings.index(r, 2).data())
    window.jump_to_finding(findings.index(row, 0))
    field = window.case_editor.fields["summary"]
    qtbot.waitUntil(field.hasFocus)
    lines = min(field.height(), 3 * field.fontMetrics().height())

    def its_first_lines_shown() -> bool:  # where the cursor is: Qt scrolls to it, not all
        shown = field.visibleRegion().boundingRect()
        return shown.top() == 0 and shown.height() >= lines
    qtbot.waitUntil(its_first_lines_shown)


def test_fill_the_empty_grid_from_the_cases(qtbot, store, open_main):
    store.add_case("2015-08", sample_case(store.form, 1))
    store.add_case("2015-08", sample_case(store.form, 2, category="影视"))
    window = open_main()
    assert window.fill_from_cases_button.isEnabled()
    assert window.reconcile_model.rowCount() == 8
    with qtbot.waitSignal(window.findings_updated):
        window.fill_from_cases_button.click()
    grid = store.load_grid("2015-08")
    assert grid["音乐"]["fine"] == Decimal("0.5") and grid["文学"]["filed"] == 0
    assert window.reconcile_model.rowCount() == 0
    assert not window.fill_from_cases_button.isEnabled()
    assert "一致" in window.reconcile_label.text()
    window.undo_button.click()
    assert store.load_grid("2015-08")["音乐"]["fine"] is None


def test_cases_are_there_after_a_restart(qtbot, db_path, store, open_main):
    window = open_main()
    window.add_case_button.click()
    edit_line(qtbot, window.case_editor.fields["name"], "重启后仍在的案件")
    result = window.case_editor.fields["result"]
    result.setFocus()
    type_text(qtbot, result, "罚款 1 万元")  # typed, not yet left: the close stores it
    window.close()
    store.close()
    with Store(db_path) as again:
        window2 = open_main(again)
        qtbot.waitUntil(lambda: not window2.start_pending)  # before `again` closes
        assert window2.case_model.rowCount() == 1
        window2.select_case(window2.case_model.case_at(0).id)
        assert window2.case_editor.fields["name"].text() == "重启后仍在的案件"
        assert window2.case_editor.fields["result"].toPlainText() == "罚款 1 万元"


def test_a_big_month_is_read_off_the_ui_thread(qtbot, store, open_main, monkeypatch):
    from jianwang_desktop.gui.main_window import MainWindow

    for i in range(1, 4):
        store.add_case("2015-08", sample_case(store.form, i))
    store.add_case("2015-09", sample_case(store.form, 1).copy(number="201509-001"))
    monkeypatch.setattr(MainWindow, "background_threshold", 2)
    window = open_main(started=False)
    assert window.loading and not window.work_pane.isEnabled()
    assert "检查中" in window.month_model.index(1).data()
    qtbot.waitUntil(lambda: not window.loading and not window.checking, timeout=10000)
    assert window.work_pane.isEnabled() and window.period == "2015-08"
    assert window.case_model.rowCount() == 3
    qtbot.waitUntil(lambda: "检查中" not in window.month_model.index(1).data(), timeout=10000)
    assert "【填写中】" in window.month_model.index(1).data()  # 附件1 still blank
    window.month_list.setCurrentIndex(window.month_model.index(2))  # a small month: at once
    assert window.period == "2015-09" and window.case_model.rowCount() == 1


def test_a_big_month_is_checked_off_the_ui_thread(qtbot, store, open_main):
    for i in range(1, 4):
        store.add_case("2015-08", sample_case(store.form, i).copy(name="" if i == 2 else f"案{i}"))
    window = open_main()
    window.background_threshold = 0
    with qtbot.waitSignal(window.findings_updated, timeout=10000):
        window.check_now()
        assert window.checking  # the result comes later, through the event loop
    assert not window.checking
    names = [f for f in window.findings_model.findings() if f.field == "name"]
    assert len(names) == 1 and names[0].case_index == 1


def test_the_case_pane_is_made_after_the_first_paint_with_what_it_was_given(qtbot, store):
    from jianwang_desktop.gui.main_window import MainWindow

    store.add_case("2015-08", sample_case(store.form, 1).copy(source="群众举报"))
    window = MainWindow(store, today=date(2015, 8, 20))
    qtbot.addWidget(window)
    editor = window.case_editor
    assert not editor.built  # not for the first paint: the window opens on 附件1
    editor.flush()  # closing or changing month meanwhile: nothing typed, nothing stored
    assert store.load_cases("2015-08")[0].source == "群众举报"
    window.show()
    qtbot.waitUntil(lambda: not window.start_pending)
    assert editor.built and not editor.isVisible()  # made while hidden, its layout settled
    sources = [editor.source.itemText(i) for i in range(editor.source.count())]
    assert sources == store.case_sources()  # given before it was made
    assert not editor.ui.isEnabled()  # no case chosen yet
    window.tabs.setCurrentWidget(window.cases_page)
    window.select_case(window.case_model.case_at(0).id)
    assert editor.fields["source"].currentText() == "群众举报" and editor.ui.isEnabled()
    assert editor.height() >= editor.minimumSizeHint().height()  # not squeezed on first show
    window.close()


def test_a_fine_typed_without_a_closed_case_is_told_at_the_case(qtbot, store, open_main):
    window = open_main()
    window.tabs.setCurrentWidget(window.cases_page)
    qtbot.mouseClick(window.add_case_button, Qt.MouseButton.LeftButton)
    editor = window.case_editor
    edit_line(qtbot, editor.measure_edits["filed"], "1")
    edit_line(qtbot, editor.measure_edits["fine"], "1.5")  # 行政结案件数 left blank
    assert "有罚款时行政结案件数至少为 1" in editor.measure_edits["fine"].toolTip()
    assert "有罚款时行政结案件数至少为 1" in editor.problem_label.text()
    edit_line(qtbot, editor.measure_edits["closed"], "1")
    assert editor.measure_edits["fine"].toolTip() == ""


def test_a_figure_typed_in_full_width_digits_is_shown_as_stored(qtbot, store, open_main):
    """An input method left in full-width mode types １.5: it is taken as 1.5, and the field
    shows 1.5 once left, as 附件1 does; it had kept showing the full-width text."""
    store.add_case("2015-08", sample_case(store.form, 1))
    window = open_main()
    window.select_case(store.load_cases("2015-08")[0].id)
    fine = window.case_editor.measure_edits["fine"]
    edit_line(qtbot, fine, "１.5")
    assert store.load_cases("2015-08")[0].measures["fine"] == Decimal("1.5")
    assert fine.text() == "1.5" and fine.toolTip() == ""
    edit_line(qtbot, fine, "1.5万")  # refused: left as typed, for the clerk to put right
    assert fine.text() == "1.5万" and "金额数字" in fine.toolTip()


def test_the_case_being_looked_at_stays_chosen_through_a_correction(qtbot, store, open_main,
                                                                    tmp_path):
    """The clerk finds the wrong 查处结果 in the locked month, clicks 更正… and writes the
    reason: the case is still in the pane, now editable; it had been emptied, to be found
    and clicked again."""
    from jianwang_desktop.core.bundle import export_month
    from sample_data import sample_month

    store.replace_month(sample_month(store.form))
    export_month(store, "2015-08", tmp_path)
    window = open_main()
    third = store.load_cases("2015-08")[2]
    window.select_case(third.id)
    window.tabs.setCurrentWidget(window.cases_page)
    store.start_correction("2015-08", "201508-003 查处结果有误")
    window.reload_month("2015-08")  # what 更正… does once the reason is given
    editor = window.case_editor
    assert editor.case() is not None and editor.case().id == third.id
    assert editor.fields["result"].isEnabled() and window.tabs.currentWidget() is window.cases_page


def test_the_check_tab_counts_the_differences_between_attachment_1_and_the_cases(
        qtbot, store, open_main):
    """With no error and no warning, a case changed and 附件1 not (as in a correction) had
    the tab say 校验与核对(0) over the differences listed on it."""
    from jianwang_desktop.core.records import MonthData, grid_from_cases
    from sample_data import sample_month

    month = sample_month(store.form)
    store.replace_month(MonthData(month.period, grid_from_cases(store.form, month.cases),
                                  month.cases))
    window = open_main()
    window._build_form_pages()
    page = window.tabs.indexOf(window.findings_page)
    errors, warnings = window.findings_model.counts()
    assert window.reconcile_model.rowCount() == 0
    assert window.tabs.tabText(page) == f"校验与核对({errors + warnings})"
    servers = store.load_grid("2015-08")["文学"]["servers"]
    with qtbot.waitSignal(window.findings_updated):
        window.statistics_model.setData(
            window.statistics_model.index_of("文学", "servers"), str(servers + 2))
    assert window.findings_model.counts() == (errors, warnings)
    assert window.reconcile_model.rowCount() == 1
    assert window.tabs.tabText(page) == f"校验与核对({errors + warnings + 1})"
    assert "1 处不同" in window.tabs.tabToolTip(page)
