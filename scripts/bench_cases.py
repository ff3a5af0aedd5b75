"""How the 附件2 register scales: a month of N cases (default 100,000), offscreen.

Prints the seconds each step takes and the ratio to a month of N/10 cases, so a change
that makes a step grow faster than the month shows up. Not a test: timings vary.

    python scripts/bench_cases.py [N]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def measure(n: int, folder: Path) -> dict[str, float]:
    from PySide6.QtCore import Qt

    from jianwang_desktop.core.records import MonthData
    from jianwang_desktop.core.store import Store
    from jianwang_desktop.core.validation import validate_month
    from jianwang_desktop.gui.case_model import CaseFilterModel, CaseTableModel
    from sample_data import full_grid, sample_case

    times: dict[str, float] = {}

    def timed(name, fn):
        start = time.perf_counter()
        result = fn()
        times[name] = time.perf_counter() - start
        return result

    with Store(folder / f"bench{n}.db") as store:
        form = store.form
        cases = [sample_case(form, i + 1).copy(number=f"B-{i:06d}", name=f"案件{(i * 7919) % n}")
                 for i in range(n)]
        store.replace_month(MonthData("2015-08", full_grid(form), cases))
        loaded = timed("store.load_cases", lambda: store.load_cases("2015-08"))
        model = CaseTableModel(form)
        timed("model.set_cases", lambda: model.set_cases(loaded))
        proxy = CaseFilterModel()
        proxy.setSourceModel(model)
        timed("proxy.set_search", lambda: proxy.set_search("案件12"))
        timed("proxy.clear_search", lambda: proxy.set_search(""))
        timed("sort by name", lambda: proxy.sort(1, Qt.SortOrder.AscendingOrder))
        timed("data() of one screen", lambda: [proxy.index(r, c).data()
                                              for r in range(40) for c in range(8)])
        timed("validate_month (worker)", lambda: validate_month(
            form, MonthData("2015-08", full_grid(form), loaded)))
    return times


def main() -> None:
    from PySide6.QtWidgets import QApplication

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    app = QApplication.instance() or QApplication([])  # noqa: F841
    with tempfile.TemporaryDirectory() as tmp:
        small = measure(max(n // 10, 1), Path(tmp))
        big = measure(n, Path(tmp))
    print(f"{'step':28} {n // 10:>10} {n:>10}   ratio (10× cases)")
    for step, seconds in big.items():
        ratio = seconds / small[step] if small[step] else float("nan")
        print(f"{step:28} {small[step]:10.3f} {seconds:10.3f}   {ratio:5.1f}")


if __name__ == "__main__":
    main()
