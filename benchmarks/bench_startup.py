"""Start to first painted main window, on a month with 200 cases.

Floor: a bare PySide6 QMainWindow holding a QTableView of 200 rows, started the same way.
Both run in fresh subprocesses and print a line from their first paint event; the time is
from starting the process to reading that line. Target: ≤ 1.5× the floor.

    python benchmarks/bench_startup.py [--runs=7] [--program=dist/jianwang/jianwang] [--no-frozen-floor]
    python benchmarks/bench_startup.py --instructions [--built]


With --program, the built program (PyInstaller) is measured too: against the bare window run
with python, as before, and against the bare window frozen the same way as the program
(build.spec with JIANWANG_SPEC_ENTRY, built once per run in the run's temporary folder), which
like the program skips the interpreter's site-packages start-up. --no-frozen-floor skips
that build.

--instructions counts, instead of timing, the instructions each runs (valgrind's callgrind:
the count is the same whatever else the machine does) from the start of the
process to its first paint, where both programs end (`os._exit`, from the place where they
print that they painted), with python, or with --built both frozen with this checkout's
build.spec (about two minutes more). Both start with the same small import hook, which
finds the program's first-paint report when its module is loaded (the program loads it late).
"""

from __future__ import annotations

import ast
import os
import shutil
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

# --instructions: each program ends at its first paint. The hook is the same in both; in the
# program it replaces the first-paint report of `--exit-after-start` (which would go on
# with the work after the paint) when gui.app is loaded, which cli.cmd_gui does only after
# importing the core, as at every start. It is a finder on sys.meta_path, asked only about
# modules not imported yet (an `__import__` wrapper would run at every import statement,
# many more in the program than in the bare window, and weigh on its count).
TO_FIRST_PAINT_HOOK = r"""
import os, sys
def ended_at_first_paint(*_args):
    print("painted", flush=True)
    os._exit(0)
class FirstPaintWatch:
    def find_spec(self, name, path=None, target=None):
        if name != "jianwang_desktop.gui.app":
            return None
        sys.meta_path.remove(self)
        import importlib.util
        spec = importlib.util.find_spec(name)
        load = spec.loader.exec_module
        def exec_module(module):
            load(module)
            module.QuitAfterFirstPaint._report_paint = ended_at_first_paint
        spec.loader.exec_module = exec_module
        return spec
sys.meta_path.insert(0, FirstPaintWatch())
"""
APP_TO_FIRST_PAINT = TO_FIRST_PAINT_HOOK + r"""
from jianwang_desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""
BARE_TO_FIRST_PAINT = TO_FIRST_PAINT_HOOK + BARE_WINDOW.replace(
    'QTimer.singleShot(0, lambda: (print("painted", flush=True), app.quit()))',
    'QTimer.singleShot(0, ended_at_first_paint)')
assert "ended_at_first_paint)" in BARE_TO_FIRST_PAINT
ENTRY_SCRIPT = ROOT / "scripts" / "jianwang_main.py"


def frozen_entry_setup() -> str:
    """What the program's entry script does before it imports the program (pointing Qt at
    the bundle's plugins), as source: the frozen bare window starts with it too."""
    source = ENTRY_SCRIPT.read_text(encoding="utf-8")
    setup = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("jianwang_desktop"):
            break
        if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):  # docstring
            setup.append(ast.get_source_segment(source, node))
    text = "\n".join(setup) + "\n"
    if "QT_PLUGIN_PATH" not in text:
        raise SystemExit(f"{ENTRY_SCRIPT.name} no longer sets QT_PLUGIN_PATH before importing "
                         "the program: update frozen_entry_setup")
    return text


def build_frozen_bare_window(tmp: Path) -> Path:
    """The bare window frozen with build.spec, as the program is; the path of its executable."""
    return build_frozen(tmp, "bare_window", BARE_WINDOW)


def build_frozen(tmp: Path, name: str, script: str, with_program: bool = False) -> Path:
    """`script` frozen with build.spec as the program is (after the set-up of the program's
    entry script), with the program's modules and resources if `with_program`; the path of
    its executable."""
    entry = tmp / f"{name}.py"
    entry.write_text(frozen_entry_setup() + script, encoding="utf-8")
    env = dict(os.environ, JIANWANG_SPEC_ENTRY=str(entry), JIANWANG_SPEC_NAME=name)
    if with_program:
        env["JIANWANG_SPEC_PROGRAM"] = "1"
    env.pop("JIANWANG_ONEFILE", None)  # the program measured is the one-folder build
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level",
                             "WARN", "--distpath", str(tmp / "dist"), "--workpath",
                             str(tmp / "build"), str(ROOT / "build.spec")],
                            capture_output=True, text=True, encoding="utf-8", errors="replace",
                            cwd=tmp, env=env)
    if result.returncode != 0:
        raise SystemExit(f"freezing {name} failed:\n{result.stderr[-4000:]}")
    print(f"  ({name} frozen with build.spec in {time.perf_counter() - start:.1f} s)")
    program = tmp / "dist" / name / (f"{name}.exe" if os.name == "nt" else name)
    if not program.is_file():
        raise SystemExit(f"build.spec did not make {program}")
    return program


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


def instructions(argv: list[str], env: dict) -> int:
    """Instructions `argv` runs to its end, counted by callgrind (through an exec: a built
    program's loader may start the program again with its library path set)."""
    result = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                             "--trace-children=yes", *argv], capture_output=True, text=True,
                            encoding="utf-8",
                            errors="replace", cwd=ROOT, env=env)
    if "painted" not in result.stdout:
        raise SystemExit(f"{argv[:3]} did not paint under valgrind:\n{result.stderr[-2000:]}")
    collected = [line for line in result.stderr.splitlines() if "Collected :" in line]
    if not collected:
        raise SystemExit(f"no count from valgrind:\n{result.stderr[-2000:]}")
    return int(collected[-1].split(":")[-1].strip())


def count_instructions(db: Path, env: dict, tmp: Path, built: bool) -> None:
    """With `built`, both programs frozen with build.spec (the program with its modules and
    resources, started by the same hook), else run with python."""
    if shutil.which("valgrind") is None:
        raise SystemExit("--instructions needs valgrind (Debian: apt-get install valgrind)")
    app_args = ["--db", str(db), "--exit-after-start"]
    if built:
        bare = [str(build_frozen(tmp, "bare_to_paint", BARE_TO_FIRST_PAINT))]
        app = [str(build_frozen(tmp, "jianwang_to_paint", APP_TO_FIRST_PAINT, with_program=True)),
               *app_args]
    else:
        bare = [sys.executable, "-c", BARE_TO_FIRST_PAINT]
        app = [sys.executable, "-c", APP_TO_FIRST_PAINT, *app_args]
    for argv in (bare, app):
        time_to_marker(argv, "painted", env)  # bytecode compiled and cached first, as timed
    # Each counted twice, the smaller count kept: now and then (under valgrind, in either
    # program) fontconfig rescans the font folders at start, some 540 million instructions
    # that are the machine's and not the program's.
    floor = min(instructions(bare, env) for _ in "ab")
    ours = min(instructions(app, env) for _ in "ab")
    how = "built with build.spec" if built else "python"
    print(f"start to first painted window, 200 cases, instructions (callgrind, {how}):")
    print(f"bare QMainWindow + QTableView: {floor / 1e6:8.1f} million")
    ratio = ours / floor
    print(f"jianwang: {ours / 1e6:8.1f} million = {ratio:.2f}× bare window  target ≤ 1.5×: "
          + ("met" if ratio <= 1.5 else "MISSED"))


def main() -> None:
    runs = runs_from_argv(7)
    program = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--program=")), None)
    frozen_floor = program is not None and "--no-frozen-floor" not in sys.argv[1:]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "jianwang.db"
        store = new_store(db)
        for period in [m.period for m in store.form.months]:
            month_with_cases(store, period, 200)  # the window opens on one of them
        store.close()
        # Bytecode as an installed program has it (pip and PyInstaller compile every module):
        # kept in a folder of this run even where PYTHONDONTWRITEBYTECODE is set, which would
        # otherwise compile our modules from source at every start (the floor has none).
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        if "--instructions" in sys.argv[1:]:
            count_instructions(db, env, Path(tmp), built="--built" in sys.argv[1:])
            return
        commands = {
            "bare QMainWindow + QTableView": ([sys.executable, "-c", BARE_WINDOW], "painted"),
            "jianwang (python -m)": ([sys.executable, "-m", "jianwang_desktop", "--db", str(db),
                                      "--exit-after-start"], MARKER_APP),
        }
        if program:
            commands["jianwang (built)"] = ([str(Path(program).resolve()), "--db", str(db),
                                            "--exit-after-start"], MARKER_APP)
        if frozen_floor:
            commands["bare window (built)"] = ([str(build_frozen_bare_window(Path(tmp)))], "painted")
        for argv, marker in commands.values():  # warm the file and bytecode caches once
            time_to_marker(argv, marker, env)
        results = interleaved({name: (lambda a=argv, m=marker: time_to_marker(a, m, env))
                               for name, (argv, marker) in commands.items()}, runs)
    floor = results.pop("bare QMainWindow + QTableView")
    frozen = results.pop("bare window (built)", None)
    print(f"start to first painted window, 200 cases, median of {runs} runs:")
    for name, seconds in results.items():
        report(name, seconds, "bare window", floor, 1.5)
    if frozen is not None:
        # The floor built as the program is: both skip site-packages' start-up work.
        report("bare window (built)", frozen, "bare window", floor, None)
        report("jianwang (built)", results["jianwang (built)"], "bare window (built)", frozen, 1.5)


if __name__ == "__main__":
    main()
