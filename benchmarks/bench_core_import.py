"""Importing the core modules the main window needs, and opening its database.

Each figure is measured inside a fresh interpreter (so no module is imported yet) and
printed as a ratio to a floor measured the same way: importing the standard-library
modules any such core needs (`sqlite3, json, decimal, dataclasses, datetime`).

    python benchmarks/bench_core_import.py [--runs=21] [--modules]

- "core imports": the modules main_window imports from the core, in a bare interpreter.
- "core imports after PySide6": the same after QtCore/QtGui/QtWidgets, as at GUI start-up,
  where the standard-library modules PySide6 brings in (logging, tempfile, zipfile,
  inspect, re...) are already loaded and cost the core nothing.
- "open the database": `Store(path)` on a month-filled file already backed up today, as at
  every start after the first of the day, against sqlite3 connecting to it and reading
  its user_version.

The interpreters run with -S: no .pth hooks of this machine's site-packages (an editable
install's finder, others) import modules a user's installed program would not; the
checkout and site-packages are put on PYTHONPATH instead. Bytecode is cached in a folder
of this run, as an installed program has it. --modules adds the median self time of each
core module from `-X importtime`.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from benchlib import ROOT, interleaved, month_with_cases, new_store, report, runs_from_argv

CORE_MODULES = ("store", "month_state", "records", "reconcile", "recipients", "rollup",
                "validation", "completeness")
CORE_IMPORT = "import " + ", ".join(f"jianwang_desktop.core.{m}" for m in CORE_MODULES)
FLOOR_IMPORT = "import sqlite3, json, decimal, dataclasses, datetime"
PYSIDE = "from PySide6 import QtCore, QtGui, QtWidgets"

TIMED = """
import sys, time
sys.modules.setdefault("numpy", None)  # an optional extra some modules probe for
{before}
start = time.perf_counter()
{statement}
print(time.perf_counter() - start)
"""


def run(code: str, env: dict, flags: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-S", *flags, "-c", code], capture_output=True,
                          text=True, env=env, cwd=ROOT)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{proc.stderr}")
    return proc


def seconds_of(before: str, statement: str, env: dict) -> float:
    return float(run(TIMED.format(before=before, statement=statement), env).stdout)


def self_times(env: dict) -> dict[str, int]:
    """Microseconds each module took itself (`-X importtime`'s self column) while the core
    modules were imported after PySide6."""
    stderr = run(TIMED.format(before=PYSIDE, statement=CORE_IMPORT), env,
                 ("-X", "importtime")).stderr
    lines = stderr.splitlines()
    start = next(i for i, line in enumerate(lines) if "| jianwang_desktop" in line)
    # importtime prints a package after its submodules: back up to the first line after
    # the last PySide6 one.
    last_qt = max(i for i, line in enumerate(lines[:start]) if "PySide6" in line)
    out: dict[str, int] = {}
    for line in lines[last_qt + 1:]:
        match = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s+(\S+)", line)
        if match:
            out[match[2]] = out.get(match[2], 0) + int(match[1])
    return out


def main() -> None:
    runs = runs_from_argv(21)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), sysconfig.get_paths()["purelib"]])
    with tempfile.TemporaryDirectory() as tmp:
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        db = Path(tmp) / "jianwang.db"
        store = new_store(db)
        for period in store.form.periods:
            month_with_cases(store, period, 200)
        store.close()
        open_store = f"Store({str(db)!r}).close()"
        open_floor = f"import sqlite3; sqlite3.connect({str(db)!r}).execute('PRAGMA user_version').connection.close()"
        measurements = {
            "floor": lambda: seconds_of("", FLOOR_IMPORT, env),
            "core imports": lambda: seconds_of("", CORE_IMPORT, env),
            "floor after PySide6": lambda: seconds_of(PYSIDE, FLOOR_IMPORT, env),
            "core imports after PySide6": lambda: seconds_of(PYSIDE, CORE_IMPORT, env),
            "sqlite3 connect": lambda: seconds_of("import sqlite3", open_floor, env),
            "open the database": lambda: seconds_of(
                CORE_IMPORT + "\nfrom jianwang_desktop.core.store import Store", open_store, env),
        }
        for measure in measurements.values():  # the first run makes the daily backup
            measure()                           # and the bytecode cache
        results = interleaved(measurements, runs)
        modules = [self_times(env) for _ in range(runs)] if "--modules" in sys.argv else []
    print(f"fresh interpreter, median of {runs} runs:")
    report("core imports", results["core imports"], "floor", results["floor"], None)
    report("core imports after PySide6", results["core imports after PySide6"],
           "floor after PySide6", results["floor after PySide6"], None)
    report("open the database", results["open the database"], "sqlite3 connect",
           results["sqlite3 connect"], None)
    if modules:
        print(f"\nself time of each module imported after PySide6 (µs, median of {runs}):")
        names = sorted({name for m in modules for name in m},
                       key=lambda n: -statistics.median(m.get(n, 0) for m in modules))
        for name in names:
            median = statistics.median(m.get(name, 0) for m in modules)
            if name.startswith("jianwang_desktop") or median >= 100:
                print(f"  {median:7.0f}  {name}")
        total = statistics.median(sum(m.values()) for m in modules)
        print(f"  {total:7.0f}  (all modules)")


if __name__ == "__main__":
    main()
