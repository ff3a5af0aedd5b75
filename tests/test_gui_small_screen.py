"""The window on a small laptop screen: nothing of the forms is cut off, the panel scrolls."""

import pytest

from gui_helpers import AUGUST, open_main  # noqa: F401


@pytest.mark.parametrize("size", [(1024, 600), (800, 560)])
def test_the_total_row_of_attachment_1_stays_whole_on_a_small_screen(qtbot, store, open_main,
                                                                       size):
    window = open_main()
    window.resize(*size)
    view, model = window.statistics_view, window.statistics_model
    # The notes and the key hint under the grid wrap to more lines when narrow; the grid,
    # as tall as its rows, must not give up the room they take (合计 was cut off).
    qtbot.waitUntil(lambda: window.size().width() == size[0])
    qtbot.wait(20)
    bottom = view.rowViewportPosition(model.total_row) + view.rowHeight(model.total_row)
    assert view.height() >= view.sizeHint().height()
    assert bottom <= view.viewport().height()
    # What does not fit the window is reached by scrolling the panel.
    assert window.panel.height() >= window.panel.minimumSizeHint().height()


def test_the_window_opens_whole_on_a_screen_smaller_than_its_size(qtbot, store):
    """The start shows the window at 1200×720, or maximized where that and its title bar
    do not fit (a 1024×600 netbook; a 1366×768 laptop leaves about 728 px above the
    taskbar): it had opened with its right edge, the buttons at its foot and the status
    bar off the screen. (The offscreen test screen is 800×800.)"""
    from jianwang_desktop.gui.main_window import MainWindow

    window = MainWindow(store, today=AUGUST)
    qtbot.addWidget(window)
    available = window.screen().availableGeometry()
    assert window.width() > available.width()  # as made: too big for this screen
    window.show_on_screen()
    qtbot.waitUntil(lambda: window.isVisible() and not window.start_pending)
    assert window.isMaximized()
    assert available.contains(window.frameGeometry())
    window.close()


@pytest.mark.parametrize("size", [(1024, 600), (800, 560)])
def test_the_city_breakdown_shows_its_total_row_whole_on_a_small_screen(qtbot, tmp_path, size):
    """本市汇总's table of sources is wider than a small window: its scroll bar took the
    room of the 合计 row, which was cut in half."""
    from gui_helpers import open_window
    from province_fixture import make_office, office_profile

    city = make_office(tmp_path, office_profile("德阳市", "版权局"))
    with city.store() as store:
        window = open_window(qtbot, store)
        try:
            window.resize(*size)
            window.show_page("city")
            view = window.city_page.breakdown_view
            qtbot.waitUntil(lambda: window.size().width() == size[0])
            qtbot.wait(20)
            last = view.model().rowCount() - 1
            assert view.rowViewportPosition(last) + view.rowHeight(last) \
                <= view.viewport().height()
        finally:
            window.close()


def test_an_exported_month_does_not_widen_the_window_past_a_small_screen(qtbot, store, open_main):
    """The line above the form says when the month was exported: on a 1024×600 screen it
    made the panel wider than the window, cutting off the 更正… button and the last column
    (the panel scrolled sideways). Long header text wraps instead."""
    from jianwang_desktop.core.bundle import export_month
    from sample_data import sample_month

    store.replace_month(sample_month(store.form))
    export_month(store, "2015-08", store.path.parent)
    window = open_main()
    window.resize(1024, 600)
    qtbot.waitUntil(lambda: window.size().width() == 1024)
    qtbot.wait(20)
    scroller = window.centralWidget()
    assert "导出" in window.findChild(type(window.lock_label), "dueLabel").text()
    assert not scroller.horizontalScrollBar().isVisible()
    assert window.panel.width() <= scroller.viewport().width()
