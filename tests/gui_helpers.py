"""Driving the main window as a user does."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from jianwang_desktop.gui.main_window import MainWindow

AUGUST = date(2015, 8, 20)  # the window opens on 2015-08


def open_window(qtbot, store, today: date = AUGUST, started: bool = True) -> MainWindow:
    window = MainWindow(store, today=today)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    if started:  # as the user sees it a moment after the first paint
        qtbot.waitUntil(lambda: not window.start_pending)
    return window


@pytest.fixture
def open_main(qtbot, store):
    """Open main windows on `store` (or another store); they close before the store does."""
    windows = []

    def make(on_store=None, today: date = AUGUST, started: bool = True) -> MainWindow:
        window = open_window(qtbot, on_store or store, today, started)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()


def go_to_cell(qtbot, window: MainWindow, row: int, column: int) -> None:
    view = window.statistics_view
    view.setFocus()
    view.setCurrentIndex(window.statistics_model.index(row, column))


def type_into_cell(qtbot, window: MainWindow, row: int, column: int, text: str,
                   key=Qt.Key.Key_Return) -> None:
    """Select the cell, type (the first key opens the editor), then Enter or Tab."""
    go_to_cell(qtbot, window, row, column)
    view = window.statistics_view
    qtbot.keyClicks(view, text[0])
    editor = view.indexWidget(view.currentIndex())
    assert editor is not None, "typing opened no editor"
    if text[1:]:
        qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, key)
    qtbot.wait(5)  # Enter commits through a queued call


def cell_text(window: MainWindow, row: int, column: int) -> str:
    return window.statistics_model.index(row, column).data()


def type_text(qtbot, widget, text: str) -> None:
    """Type as a user does: ASCII as key presses, Chinese as an input method commits it
    (QTest cannot press keys for characters outside ASCII)."""
    from PySide6.QtGui import QInputMethodEvent

    run = ""
    for ch in text + "\0":
        if ch.isascii() and ch != "\0":
            if run and not run[-1].isascii():
                _commit(widget, run, QInputMethodEvent)
                run = ""
            run += ch
            continue
        if run and run[-1].isascii():
            qtbot.keyClicks(widget, run)
            run = ""
        if ch != "\0":
            run += ch
    if run:
        _commit(widget, run, QInputMethodEvent)


def _commit(widget, text: str, event_class) -> None:
    event = event_class("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)
