"""Export of a signed bundle for a month with 10,000 cases.

Floor: openpyxl's write_only mode writing the same cells (read back from the two .xlsx of
our bundle) and nothing else. Every run exports from a fresh copy of the same database,
since an export locks its month. Target: ≤ 1.5× the floor.

    python benchmarks/bench_export.py [--runs=5] [--cases=10000]
"""

from __future__ import annotations

import io
import shutil
import sys
import tempfile
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from benchlib import interleaved, month_with_cases, new_store, report, runs_from_argv

PERIOD = "2015-08"
NOW = datetime(2015, 8, 28, 9, 0, tzinfo=timezone.utc)


def cases_from_argv(default: int) -> int:
    return next((int(a.split("=", 1)[1]) for a in sys.argv[1:] if a.startswith("--cases=")), default)


def export_once(template: Path, work: Path) -> float:
    from jianwang_desktop.core.bundle import export_month
    from jianwang_desktop.core.store import Store

    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(template, work)
    (work / "out").mkdir()
    with Store(work / "jianwang.db") as store:
        start = time.perf_counter()
        export_month(store, PERIOD, work / "out", now=NOW)
        return time.perf_counter() - start


def sheet_rows(xlsx: bytes) -> list[list]:
    """The cells of our workbook as rows of plain values (numbers as numbers)."""
    from decimal import Decimal

    from jianwang_desktop.core.excel import read_cells
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

    grid: dict[int, dict[int, object]] = {}
    for ref, cell in read_cells(xlsx).items():
        letters, row = coordinate_from_string(ref)
        value = Decimal(cell.text) if cell.kind == "number" else cell.text
        grid.setdefault(row, {})[column_index_from_string(letters)] = value
    width = max(max(cols) for cols in grid.values())
    return [[grid.get(r, {}).get(c) for c in range(1, width + 1)] for r in range(1, max(grid) + 1)]


def write_only_floor(sheets: list[list[list]]) -> float:
    from openpyxl import Workbook

    start = time.perf_counter()
    for rows in sheets:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        for row in rows:
            ws.append(row)
        wb.save(io.BytesIO())
    return time.perf_counter() - start


def main() -> None:
    runs, n = runs_from_argv(5), cases_from_argv(10_000)
    with tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "template"
        template.mkdir()
        store = new_store(template / "jianwang.db")
        month_with_cases(store, PERIOD, n)
        store.close()
        from jianwang_desktop.core.signing import installation_key

        installation_key(template / "jianwang.db")  # made once, as on a real desk

        export_once(template, Path(tmp) / "probe")
        bundle = next((Path(tmp) / "probe" / "out").glob("*.zip"))
        with zipfile.ZipFile(bundle) as z:
            sheets = [sheet_rows(z.read(name)) for name in sorted(z.namelist()) if name.endswith(".xlsx")]
        cells = sum(len(rows) * len(rows[0]) for rows in sheets)

        medians = interleaved({"ours": lambda: export_once(template, Path(tmp) / "run"),
                               "floor": lambda: write_only_floor(sheets)}, runs)
        ours, floor = medians["ours"], medians["floor"]
    print(f"export of a signed bundle, {n} cases ({cells} cells), median of {runs} runs:")
    report("export_month", ours, "openpyxl write_only", floor, 1.5)


if __name__ == "__main__":
    main()
