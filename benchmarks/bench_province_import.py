"""Time the province's import and roll-up of 21 市(州) × 3 departments × 5 months.

Not a test: run `python benchmarks/bench_province_import.py` from a checkout. Bundles are
made first (not timed) by separate installations, one key each; then one provincial
database imports all 315 bundles (every one verified) and computes the monthly and
campaign totals and the completeness matrix. The target is 10 s.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from jianwang_desktop.core.completeness import completeness  # noqa: E402
from jianwang_desktop.core.domain import Profile, geography  # noqa: E402
from jianwang_desktop.core.receiving import import_file  # noqa: E402
from jianwang_desktop.core.rollup import campaign_to_date, monthly_totals  # noqa: E402
from jianwang_desktop.core.store import Store  # noqa: E402
from province_fixture import (PERIODS, fill_and_export, make_office,  # noqa: E402
                              office_profile)

TARGET_SECONDS = 10.0


def main() -> None:
    rng = random.Random(2015)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        out = root / "bundles"
        out.mkdir()
        started = time.perf_counter()
        bundles = []
        for region in geography().regions:
            for department in ("版权局", "公安局", "网信办"):
                office = make_office(root, office_profile(region, department))
                bundles += [fill_and_export(office, period, rng, out, cases=3)
                            for period in PERIODS]
        print(f"made {len(bundles)} bundles in {time.perf_counter() - started:.1f} s (not timed)")

        # Every department of every 市(州) lands at one receiver: the province's 省版权局
        # receives only 版权局 bundles, so the receiver here is set up per kind.
        timings = []
        for department in ("省版权局", "省公安厅", "省网信办"):
            db = root / department / "jianwang.db"
            db.parent.mkdir()
            store = Store(db)
            store.set_profile(Profile("四川省", department, department, "王五", "028-86697093"))
            kind = {"省版权局": "版权局", "省公安厅": "公安局", "省网信办": "网信办"}[department]
            mine = [b for b in bundles if f"-{kind}-" in b.name]
            started = time.perf_counter()
            for path in mine:
                import_file(store, path, trust_new=True)
            months = monthly_totals(store)
            campaign_to_date(store, months)
            completeness(store)
            timings.append(time.perf_counter() - started)
            store.close()
        total = sum(timings)
        print(f"import + roll-up of {len(bundles)} bundles: {total:.2f} s "
              f"({total / len(bundles) * 1000:.1f} ms per bundle); target {TARGET_SECONDS:.0f} s, "
              f"ratio {total / TARGET_SECONDS:.2f}")


if __name__ == "__main__":
    main()
