"""The red message bar shows the problem of the last action only, and never grows the window."""

from __future__ import annotations

from PySide6.QtCore import Qt

from gui_helpers import open_main, type_into_cell  # noqa: F401
from test_gui_statistics import paste

BAD_BLOCK = "-1\t1.23456\r\n汉字\t1,5\r\n"


def refused_paste(qtbot, window) -> None:
    paste(qtbot, window, BAD_BLOCK)
    assert window.message_bar.isVisible() and "汉字" in window.message_bar.text()
    assert "-1" in window.statusBar().currentMessage()


def test_the_next_accepted_edit_clears_the_bar_and_the_status_bar(qtbot, store, open_main):
    window = open_main()
    refused_paste(qtbot, window)
    type_into_cell(qtbot, window, 2, 0, "5")
    assert store.load_grid("2015-08")["影视"]["filed"] == 5
    assert window.message_bar.isHidden()
    assert window.statusBar().currentMessage() == ""


def test_undo_tab_change_and_month_switch_clear_the_bar(qtbot, store, open_main):
    window = open_main()
    type_into_cell(qtbot, window, 2, 0, "5")
    refused_paste(qtbot, window)
    window.undo_button.click()
    assert window.message_bar.isHidden()
    refused_paste(qtbot, window)
    window.tabs.setCurrentWidget(window.findings_page)
    assert window.message_bar.isHidden()
    assert window.statusBar().currentMessage() == ""
    window.tabs.setCurrentWidget(window.statistics_page)
    refused_paste(qtbot, window)
    window.select_month("2015-09")
    assert window.message_bar.isHidden()


def test_the_close_button_hides_the_bar(qtbot, store, open_main):
    window = open_main()
    refused_paste(qtbot, window)
    qtbot.mouseClick(window.message_bar.close_button, Qt.MouseButton.LeftButton)
    assert window.message_bar.isHidden()
    assert window.statusBar().currentMessage() == ""


def test_a_new_problem_replaces_the_old_one(qtbot, store, open_main):
    window = open_main()
    refused_paste(qtbot, window)
    paste(qtbot, window, "abc")
    assert "abc" in window.message_bar.text() and "汉字" not in window.message_bar.text()


def test_the_status_bar_message_is_temporary(qtbot, store, open_main):
    window = open_main()
    window.message_timeout = 50
    refused_paste(qtbot, window)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == "")
    assert window.message_bar.isVisible()  # the bar stays until the next action


def test_the_bar_does_not_grow_the_window_and_it_fits_a_laptop(qtbot, store, open_main):
    window = open_main()
    window.resize(1366, 690)
    qtbot.wait(10)
    before = window.size()
    refused_paste(qtbot, window)
    paste(qtbot, window, "\r\n".join("x\ty\tz" for _ in range(6)))  # 18 refused cells
    qtbot.wait(10)
    assert window.size() == before
    # The bar takes room from the forms, it does not push the panel into scrolling.
    assert not window.centralWidget().verticalScrollBar().isVisible()
    assert window.message_bar.height() >= 2 * window.message_bar.fontMetrics().lineSpacing()
    assert window.minimumSizeHint().height() <= 700
    assert window.minimumSize().height() <= 700
