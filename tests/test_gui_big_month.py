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
    window = open_main(started=False)  # while the month is still being read
    assert window.loading
    window.month_list.setCurrentIndex(window.month_model.index(2))  # 2015-09, read at once
    assert window.period == "2015-09" and not window.loading and window.work_pane.isEnabled()
    qtbot.waitUntil(lambda: months_read == ["2015-08"], timeout=10000)
    qtbot.wait(50)  # the superseded read reports back and is ignored
    assert window.period == "2015-09" and window.case_model.rowCount() == 1
    assert not window.loading and window.work_pane.isEnabled()


def test_a_big_month_shows_its_first_cases_greyed_out_while_it_is_read(qtbot, store, open_main,
                                                                      monkeypatch):
    add_cases(store, "2015-08", 5)
    store.set_cell("2015-08", "音乐", "filed", 7)
    monkeypatch.setattr(main_window.MainWindow, "background_threshold", 2)
    monkeypatch.setattr(main_window.MainWindow, "preview_rows", 3)
    window = open_main(started=False)  # while the month is still being read
    assert window.loading and not window.work_pane.isEnabled()
    assert [c.number for c in window.case_model.cases()] == [f"2015-08-{i:03d}" for i in (1, 2, 3)]
    assert window.statistics_model.read_only
    assert window.statistics_model.index(1, 0).data() == "7"  # 音乐, 立案: the month being read
    qtbot.waitUntil(lambda: not window.loading, timeout=10000)
    assert window.case_model.rowCount() == 5 and window.work_pane.isEnabled()
    assert not window.statistics_model.read_only and window.period == "2015-08"


def test_load_cases_can_stop_after_the_first_ones(store):
    add_cases(store, "2015-08", 4)
    assert [c.number for c in store.load_cases("2015-08", limit=2)] == ["2015-08-001", "2015-08-002"]
    assert len(store.load_cases("2015-08")) == 4
