"""Opening and scrolling the case register (附件2) with 100,000 cases.

Each run is a fresh process: it opens the main window on a month of 100,000 cases, shows
the 附件2 tab and waits until the view has painted its first page of rows (the window shows
the first cases while the whole month is read on a worker thread); then it waits for the
whole month and scrolls the register from top to bottom in 50 steps, painting each. Memory growth is the resident
set size after scrolling minus before opening the window. Limits: first page < 0.5 s,
memory growth < 150 MB. The floor, for scale, is a QTableView over a bare list model of
the same 100,000 rows (eight short strings each) in the same kind of process.

    python benchmarks/bench_case_register.py [--runs=3] [--cases=100000]
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from benchlib import month_with_cases, new_store, report, report_limit, rss_mb, runs_from_argv

PERIOD = "2015-08"
TODAY = date(2015, 8, 12)
SCROLL_STEPS = 50


def wait_until(app, condition, timeout=120.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise SystemExit("timed out")
        app.processEvents()
        time.sleep(0.001)


def painted_first_page(app, view, rows: int) -> None:
    """Wait until the view holds at least `rows` rows and has painted since."""
    from PySide6.QtCore import QEvent, QObject

    seen = []

    class Painted(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint:
                seen.append(True)
            return False

    watcher = Painted()
    wait_until(app, lambda: view.model().rowCount() >= rows)
    view.viewport().installEventFilter(watcher)
    view.viewport().update()
    wait_until(app, lambda: bool(seen))
    view.viewport().removeEventFilter(watcher)


def scroll_through(app, view) -> float:
    bar = view.verticalScrollBar()
    start = time.perf_counter()
    for step in range(1, SCROLL_STEPS + 1):
        bar.setValue(bar.maximum() * step // SCROLL_STEPS)
        view.viewport().repaint()
        app.processEvents()
    return (time.perf_counter() - start) / SCROLL_STEPS


def measure_app(db: Path, rows: int) -> dict:
    from PySide6.QtWidgets import QApplication

    from jianwang_desktop.core.store import Store
    from jianwang_desktop.gui.app import make_application
    from jianwang_desktop.gui.main_window import MainWindow

    app = make_application()
    store = Store(db)
    before = rss_mb()
    start = time.perf_counter()
    window = MainWindow(store, today=TODAY)
    window.tabs.setCurrentWidget(window.cases_page)
    window.show()
    view = window.cases_view
    page = view.viewport().height() // view.verticalHeader().defaultSectionSize()
    painted_first_page(app, view, min(rows, page))
    first_page = time.perf_counter() - start
    shown = view.model().rowCount()
    wait_until(app, lambda: view.model().rowCount() == rows)
    whole_month = time.perf_counter() - start
    per_step = scroll_through(app, view)
    wait_until(app, lambda: not window.checking and not window.loading)
    grown = rss_mb() - before
    QApplication.processEvents()
    return {"first_page": first_page, "rows_at_first_page": shown, "whole_month": whole_month,
            "scroll_step": per_step, "rss_growth_mb": grown}


def measure_floor(rows: int) -> dict:
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import QApplication, QTableView

    app = QApplication.instance() or QApplication([])

    class ListModel(QAbstractTableModel):
        def __init__(self, data):
            super().__init__()
            self.rows = data

        def rowCount(self, parent=QModelIndex()):
            return 0 if parent.isValid() else len(self.rows)

        def columnCount(self, parent=QModelIndex()):
            return 0 if parent.isValid() else 8

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.rows[index.row()][index.column()]
            return None

    before = rss_mb()
    start = time.perf_counter()
    view = QTableView()
    view.setModel(ListModel([[f"{r}-{c}" for c in range(8)] for r in range(rows)]))
    view.resize(1200, 720)
    view.show()
    painted_first_page(app, view, rows)
    first_page = time.perf_counter() - start
    per_step = scroll_through(app, view)
    return {"first_page": first_page, "scroll_step": per_step, "rss_growth_mb": rss_mb() - before}


def child(kind: str, db: str, rows: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, db, str(rows)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        kind, db, rows = sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
        print(json.dumps(measure_app(db, rows) if kind == "app" else measure_floor(rows)))
        return
    runs = runs_from_argv(3)
    rows = next((int(a.split("=", 1)[1]) for a in sys.argv[1:] if a.startswith("--cases=")), 100_000)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "jianwang.db"
        store = new_store(db)
        month_with_cases(store, PERIOD, rows)
        store.close()
        app_runs, floor_runs = [], []
        for _ in range(runs):  # taking turns, so a busy spell weighs on both alike
            app_runs.append(child("app", str(db), rows))
            floor_runs.append(child("floor", str(db), rows))

    def med(results, key):
        return statistics.median(r[key] for r in results)

    print(f"case register with {rows} cases, median of {runs} runs (fresh process each):")
    report("first page painted", med(app_runs, "first_page"), "bare QTableView",
           med(floor_runs, "first_page"), None)
    report_limit("first page painted", med(app_runs, "first_page"), "s", 0.5)
    print(f"  (rows in the view at that moment: {min(r['rows_at_first_page'] for r in app_runs)}; "
          f"whole month read and shown after {med(app_runs, 'whole_month'):.2f} s)")
    report("one scroll step painted", med(app_runs, "scroll_step"), "bare QTableView",
           med(floor_runs, "scroll_step"), None)
    print(f"memory growth: bare QTableView {med(floor_runs, 'rss_growth_mb'):.1f} MB")
    report_limit("memory growth", med(app_runs, "rss_growth_mb"), "MB", 150)


if __name__ == "__main__":
    main()
