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
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
# Drawn offscreen on a screen of 1920×1080, an office PC's (office_screen.json): Qt's own
# offscreen screen is 800×800, where the window would open maximized to fit (as it does on
# a small laptop) and paint less than the 1200×720 the floors paint.
OFFICE_SCREEN = Path(__file__).resolve().parent / "office_screen.json"
if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={OFFICE_SCREEN}"

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


# What a real 案情简介 reads like; each case's own is a slice of it, so that no two cases
# share it (equal texts are held once in memory and would flatter the figures). The
# 查处结果 repeats every 1,000 cases and the figures come in eight sets (FINES): a read holds
# each once, and the month's check works each set of figures out once.
SUMMARY_TEXT = ("经查,该网站未经权利人许可,通过信息网络向公众传播他人作品,涉及作品数量较多,"
                "累计点击量较大,并通过投放广告牟利,社会影响较为恶劣。执法人员依法调取了服务器"
                "日志和网站后台数据,固定了相关证据。")
SUMMARY_LENGTH = 120  # characters of each case's 案情简介, about three lines of the printed form
def distinct_case(form, i: int, period: str):
    """Case i of a month, as varied as a real month's: its own number, name, 案情简介 and
    查处结果; a fine of 30 amounts (none for every sixth case, not yet closed), 0 to 2
    servers, and every twentieth case handed to the judiciary with an amount involved of
    its own. About 5,100 different sets of figures in 100,000 cases."""
    from sample_data import sample_case

    start = i % len(SUMMARY_TEXT)
    summary = f"第{i}号:" + (SUMMARY_TEXT[start:] + SUMMARY_TEXT) * 2
    case = sample_case(form, i, category=form.categories[i % len(form.categories)])
    closed = 0 if i % 6 == 0 else 1
    fine = Decimal(i % 30 + 1) / 10 if closed else Decimal(0)
    transferred = 1 if i % 20 == 0 else 0
    involved = Decimal(i // 20 % 5000 + 1) / 100 if transferred else Decimal(0)
    case = case.copy(number=f"{period.replace('-', '')}-{i:06d}",
                     name=f"某网站未经许可传播{case.category}作品案(第{i}号)",
                     summary=summary[:SUMMARY_LENGTH],
                     result=f"责令删除侵权作品 {i % 500 + 1} 件,罚款 {fine} 万元(第{i}号)。")
    case.measures.update(closed=closed, fine=fine, transferred=transferred, involved=involved,
                         servers=i // 7 % 3)
    return case


def month_with_cases(store, period: str, n: int):
    """A checked-clean month of n cases, each with a name and 案情简介 of its own, stored
    through the public core API."""
    from jianwang_desktop.core.records import MonthData

    form = store.form
    cases = [distinct_case(form, i + 1, period) for i in range(n)]
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
