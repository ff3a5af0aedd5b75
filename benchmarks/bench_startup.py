"""Start to first painted main window, on a month with 200 cases.

Floor: a bare PySide6 QMainWindow holding a QTableView of 200 rows, started the same way.
Both run in fresh subprocesses and print a line from their first paint event; the time is
from starting the process to reading that line. Target: ≤ 1.5× the floor.

    python benchmarks/bench_startup.py [--runs=7] [--program=dist/jianwang/jianwang]

With --program, the built program (PyInstaller) is measured too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import ROOT, interleaved, month_with_cases, new_store, report, runs_from_argv

BARE_WINDOW = r"""
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

app = QApplication(sys.argv[:1])
window = QMainWindow()
model = QStandardItemModel(200, 8)
for r in range(200):
    for c in range(8):
        model.setItem(r, c, QStandardItem(f"{r}-{c}"))
view = QTableView()
view.setModel(model)
window.setCentralWidget(view)
window.resize(1200, 720)

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, lambda: (print("painted", flush=True), app.quit()))
        return False

watcher = FirstPaint()
window.installEventFilter(watcher)
window.show()
app.exec()
"""

MARKER_APP = "主窗口已打开并绘制"


def time_to_marker(argv: list[str], marker: str, env: dict | None = None) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT,
                            env=env)
    for raw in proc.stdout:
        if marker in raw.decode("utf-8", "replace"):
            elapsed = time.perf_counter() - start
            break
    else:
        proc.wait()
        raise SystemExit(f"{argv[0]} exited ({proc.returncode}) without painting")
    proc.wait()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited with {proc.returncode}")
    return elapsed


def main() -> None:
    runs = runs_from_argv(7)
    program = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--program=")), None)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "jianwang.db"
        store = new_store(db)
        for period in [m.period for m in store.form.months]:
            month_with_cases(store, period, 200)  # the window opens on one of them
        store.close()
        commands = {
            "bare QMainWindow + QTableView": ([sys.executable, "-c", BARE_WINDOW], "painted"),
            "jianwang (python -m)": ([sys.executable, "-m", "jianwang_desktop", "--db", str(db),
                                      "--exit-after-start"], MARKER_APP),
        }
        if program:
            commands["jianwang (built)"] = ([str(Path(program).resolve()), "--db", str(db),
                                            "--exit-after-start"], MARKER_APP)
        # Bytecode as an installed program has it (pip and PyInstaller compile every module):
        # kept in a folder of this run even where PYTHONDONTWRITEBYTECODE is set, which would
        # otherwise compile our modules from source at every start (the floor has none).
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        for argv, marker in commands.values():  # warm the file and bytecode caches once
            time_to_marker(argv, marker, env)
        results = interleaved({name: (lambda a=argv, m=marker: time_to_marker(a, m, env))
                               for name, (argv, marker) in commands.items()}, runs)
    floor = results.pop("bare QMainWindow + QTableView")
    print(f"start to first painted window, 200 cases, median of {runs} runs:")
    for name, seconds in results.items():
        report(name, seconds, "bare window", floor, 1.5)


if __name__ == "__main__":
    main()
