"""Keyboard only: Tab leaves a read-only table for the next control; only the 附件1 grid,
where figures are typed, moves from cell to cell with Tab."""

import random
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from jianwang_desktop.core.records import MonthData

from gui_helpers import open_window
from province_fixture import make_office, office_profile, random_cases, random_grid

PERIOD = "2015-08"
UI = Path(__file__).resolve().parent.parent / "ui"
TYPED_INTO = {"statisticsView"}  # the one grid where Tab moves to the next cell to fill


def test_tab_leaves_each_read_only_table_of_a_city_office_window(qtbot, tmp_path):
    city = make_office(tmp_path, office_profile("德阳市", "版权局"))
    with city.store() as store:
        rng = random.Random(3)
        store.replace_month(MonthData(PERIOD, random_grid(store.form, rng),
                                      random_cases(store.form, rng, PERIOD, 3, "德阳市版权局")))
        window = open_window(qtbot, store)
        try:
            window.show_page("city")
            page = window.city_page
            views = [window.cases_view, window.findings_view, window.reconcile_view,
                     page.breakdown_view, page.total_view]
            for view in views:
                window.tabs.setCurrentWidget(_page_of(window, view))
                view.setFocus()
                view.setCurrentIndex(view.model().index(0, 0))
                qtbot.waitUntil(view.hasFocus)
                qtbot.keyClick(view, Qt.Key.Key_Tab)
                assert QApplication.focusWidget() is not view, view.objectName()
            grid = window.statistics_view  # typing figures: Tab still goes across
            window.tabs.setCurrentWidget(window.statistics_page)
            grid.setFocus()
            grid.setCurrentIndex(window.statistics_model.index(0, 0))
            qtbot.keyClick(grid, Qt.Key.Key_Tab)
            assert QApplication.focusWidget() is grid and grid.currentIndex().column() == 1
        finally:
            window.close()


def _page_of(window, view):
    page = view
    while page.parentWidget() is not None and window.tabs.indexOf(page) < 0:
        page = page.parentWidget()
    return page


def test_no_read_only_table_in_a_designer_file_keeps_tab_to_itself():
    kept = []
    for path in sorted(UI.glob("*.ui")):
        for widget in ET.parse(path).iter("widget"):
            if widget.get("class") not in ("QTableView", "StatisticsView"):
                continue
            off = any(p.get("name") == "tabKeyNavigation" and p.findtext("bool") == "false"
                      for p in widget.findall("property"))
            if not off and widget.get("name") not in TYPED_INTO:
                kept.append(f"{path.name}:{widget.get('name')}")
    assert not kept


def test_control_tab_and_control_page_down_leave_the_grid_for_the_next_page(qtbot, store):
    """In the 附件1 grid, Tab moves to the next cell to fill (as in a spreadsheet); Ctrl+Tab
    and Ctrl+PgDn (a spreadsheet's next sheet) were taken by the grid too, so the keyboard
    had no way from the figures to 附件2."""
    window = open_window(qtbot, store)
    try:
        grid, tabs = window.statistics_view, window.tabs
        for key, modifiers in ((Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier),
                               (Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)):
            tabs.setCurrentWidget(window.statistics_page)
            grid.setFocus()
            grid.setCurrentIndex(window.statistics_model.index(2, 3))
            qtbot.waitUntil(grid.hasFocus)
            qtbot.keyClick(grid, key, modifiers)
            assert tabs.currentWidget() is window.cases_page, key
        tabs.setCurrentWidget(window.statistics_page)
        grid.setFocus()
        qtbot.keyClick(grid, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
        assert tabs.currentIndex() == tabs.count() - 1  # the previous page, round the end
    finally:
        window.close()
