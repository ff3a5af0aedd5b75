"""Shared bits of the benchmark scripts: sample databases, repeated runs, the report line.

The scripts are run by hand (`python benchmarks/bench_x.py`), never by pytest: timings
depend on the machine, so every figure is printed as a ratio to a floor measured in the
same run on the same machine.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from conftest import MIANYANG  # noqa: E402


def runs_from_argv(default: int = 5) -> int:
    for arg in sys.argv[1:]:
        if arg.startswith("--runs="):
            return int(arg.split("=", 1)[1])
    return default


def median_seconds(fn, runs: int) -> tuple[float, list[float]]:
    """Median of `runs` calls of fn(); fn returns the seconds it measured itself (a float),
    or anything else to be timed as a whole."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        measured = fn()
        times.append(measured if isinstance(measured, float) else time.perf_counter() - start)
    return statistics.median(times), times


def interleaved(fns: dict, runs: int) -> dict[str, float]:
    """Median seconds of each of several measurements, taking turns run by run, so that a
    busy spell on the machine weighs on all of them alike rather than on one."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            times[name].append(median_seconds(fn, 1)[0])
    return {name: statistics.median(values) for name, values in times.items()}


def report(name: str, seconds: float, floor_name: str, floor: float, target: float | None) -> bool:
    ratio = seconds / floor
    met = target is None or ratio <= target
    verdict = "" if target is None else (f"  target ≤ {target:g}×: " + ("met" if met else "MISSED"))
    print(f"{name}: {seconds * 1000:8.1f} ms = {ratio:5.2f}× {floor_name} ({floor * 1000:.1f} ms){verdict}")
    return met


def report_limit(name: str, value: float, unit: str, limit: float) -> bool:
    met = value < limit
    print(f"{name}: {value:8.3f} {unit} (limit < {limit:g} {unit}): " + ("met" if met else "MISSED"))
    return met


def month_with_cases(store, period: str, n: int):
    """A checked-clean month of n cases, stored, through the public core API."""
    from jianwang_desktop.core.records import MonthData
    from sample_data import full_grid, sample_case

    form = store.form
    cases = [sample_case(form, i + 1, category=form.categories[i % len(form.categories)])
             .copy(number=f"{period.replace('-', '')}-{i + 1:06d}") for i in range(n)]
    grid = {c: {m.key: 0 for m in form.measures} for c in form.categories}
    for case in cases:
        for key, value in case.measures.items():
            grid[case.category][key] += value
    month = MonthData(period, grid, cases)
    store.replace_month(month)
    return month


def new_store(path: Path):
    from jianwang_desktop.core.store import Store

    store = Store(path)
    store.set_profile(MIANYANG)
    return store


def rss_mb() -> float:
    """Resident set size of this process now, from /proc (Linux) or the peak from resource."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
