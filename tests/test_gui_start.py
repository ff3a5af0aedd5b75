from datetime import date

from PySide6.QtWidgets import QComboBox, QTableView

from jianwang_desktop.gui.main_window import MainWindow
from sample_data import full_grid

from conftest import run_cli


def test_main_window_shows_the_current_month(qtbot, store):
    grid = full_grid(store.form)
    store.set_cells("2015-09", {(c, k): v for c, row in grid.items() for k, v in row.items()})
    window = MainWindow(store, today=date(2015, 9, 12))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.month_combo.currentData() == "2015-09"
    model = window.findChild(QTableView, "statisticsView").model()
    assert model.rowCount() == 7 and model.columnCount() == 7
    total_filed = sum(row["filed"] for row in grid.values())
    assert model.index(6, 0).data() == str(total_filed)
    assert "还有 18 天" in window.due_label.text()
    assert "绵阳市" in window.region_label.text()


def test_switching_month(qtbot, store):
    store.set_cell("2015-07", "音乐", "fine", "2.50")
    window = MainWindow(store, today=date(2015, 9, 1))
    qtbot.addWidget(window)
    combo = window.findChild(QComboBox, "monthCombo")
    combo.setCurrentIndex(0)
    model = window.statistics_model
    assert model.index(1, 2).data() == "2.50"
    assert "已逾期" in window.due_label.text()


def test_the_program_starts_paints_and_exits(tmp_path):
    r = run_cli("--exit-after-start", db=tmp_path / "fresh.db")
    assert r.returncode == 0, r.stderr.decode("utf-8")
    assert (tmp_path / "fresh.db").exists()
