"""A month of many cases at start-up: read once, off the UI thread, and never twice."""

import threading

from gui_helpers import open_main  # noqa: F401
from sample_data import sample_case

import jianwang_desktop.gui.main_window as main_window


def add_cases(store, period: str, n: int) -> None:
    for i in range(1, n + 1):
        store.add_case(period, sample_case(store.form, i).copy(number=f"{period}-{i:03d}"))


def counting(monkeypatch, name: str) -> list:
    """Record the arguments of every call of main_window.<name> (it runs on worker threads)."""
    calls, lock, real = [], threading.Lock(), getattr(main_window, name)

    def wrapper(path, what):
        result = real(path, what)
        with lock:
            calls.append(what)
        return result

    monkeypatch.setattr(main_window, name, wrapper)
    return calls


def test_the_big_month_shown_at_start_is_read_once_and_checked_once(qtbot, store, open_main,
                                                                   monkeypatch):
    add_cases(store, "2015-08", 3)
    add_cases(store, "2015-09", 3)
    monkeypatch.setattr(main_window.MainWindow, "background_threshold", 2)
    months_read = counting(monkeypatch, "read_month")
    statuses_read = counting(monkeypatch, "read_statuses")
    window = open_main()
    qtbot.waitUntil(lambda: not window.loading and not window.checking, timeout=10000)
    qtbot.waitUntil(lambda: len(statuses_read) == 1, timeout=10000)
    assert months_read == ["2015-08"]  # selecting the row and showing the month: one read
    assert statuses_read == [["2015-09"]]  # the shown month's state comes from its own check
    qtbot.waitUntil(lambda: all("检查中" not in window.month_model.index(r).data()
                                for r in range(len(store.form.periods))), timeout=10000)
    assert "【填写中】" in window.month_model.index(1).data()
    assert window.case_model.rowCount() == 3


def test_choosing_a_small_month_while_a_big_one_is_read_leaves_the_window_usable(
        qtbot, store, open_main, monkeypatch):
    add_cases(store, "2015-08", 3)
    add_cases(store, "2015-09", 1)
    monkeypatch.setattr(main_window.MainWindow, "background_threshold", 2)
    months_read = counting(monkeypatch, "read_month")
    window = open_main()
    assert window.loading
    window.month_list.setCurrentIndex(window.month_model.index(2))  # 2015-09, read at once
    assert window.period == "2015-09" and not window.loading and window.work_pane.isEnabled()
    qtbot.waitUntil(lambda: months_read == ["2015-08"], timeout=10000)
    qtbot.wait(50)  # the superseded read reports back and is ignored
    assert window.period == "2015-09" and window.case_model.rowCount() == 1
    assert not window.loading and window.work_pane.isEnabled()
