"""PDF print of a 200-case month (附件1 and 附件2, exported, with stamp and QR code).

Measured three ways, median of several runs:
  - in the program: print_source + write_pdf, as the GUI's 打印 does (limit: under 1 s);
  - as a command: `jianwang print --month … --pdf …` in a fresh process;
  - the floor: LibreOffice converting the two .xlsx of the same export to PDF
    (`soffice --headless --convert-to pdf`, a fresh process each time, its own profile).
Target: the command is faster than LibreOffice (ratio < 1).

    python benchmarks/bench_print.py [--runs=5]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from benchlib import (ROOT, interleaved, median_seconds, month_with_cases, new_store, report,
                      report_limit, runs_from_argv)

PERIOD = "2015-08"


def soffice() -> str:
    for name in ("soffice", "libreoffice"):
        if shutil.which(name):
            return name
    raise SystemExit("LibreOffice (soffice) is needed for the floor of this benchmark")


def main() -> None:
    runs = runs_from_argv(5)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db = tmp / "jianwang.db"
        store = new_store(db)
        month_with_cases(store, PERIOD, 200)
        from jianwang_desktop.core.bundle import export_month

        (tmp / "out").mkdir()
        result = export_month(store, PERIOD, tmp / "out",
                              now=datetime(2015, 8, 28, 9, 0, tzinfo=timezone.utc))
        with zipfile.ZipFile(result.path) as z:
            sheets = []
            for name in sorted(n for n in z.namelist() if n.endswith(".xlsx")):
                sheets.append(tmp / f"sheet{len(sheets) + 1}.xlsx")  # ASCII names for soffice
                sheets[-1].write_bytes(z.read(name))

        from jianwang_desktop.gui.app import make_application
        from jianwang_desktop.gui.printing import print_source, stamp_for, write_pdf

        make_application()

        def in_program():
            pages = write_pdf(print_source(store, PERIOD, stamp_for(store, PERIOD)), None,
                              tmp / "ours.pdf")
            assert pages > 1

        in_program()  # fonts and the QR code module loaded once, as after the first print
        ours, _ = median_seconds(in_program, runs)
        store.close()

        command = [sys.executable, "-m", "jianwang_desktop", "--db", str(db), "print", "--month",
                   PERIOD, "--pdf", str(tmp / "cli.pdf")]
        run = lambda argv: subprocess.run(argv, check=True, capture_output=True, cwd=ROOT)  # noqa: E731
        profile = (tmp / "lo-profile").as_uri()
        lo = [soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
              "--outdir", str(tmp / "lo"), *map(str, sheets)]
        run(command)
        run(lo)  # the first start creates LibreOffice's profile
        medians = interleaved({"cli": lambda: run(command), "lo": lambda: run(lo)}, runs)
        cli, libreoffice = medians["cli"], medians["lo"]
        assert all((tmp / "lo" / f"{s.stem}.pdf").is_file() for s in sheets)

    print(f"PDF print of a 200-case month (both forms), median of {runs} runs:")
    report_limit("print in the program", ours, "s", 1.0)
    report("print in the program", ours, "LibreOffice", libreoffice, None)
    report("jianwang print (fresh process)", cli, "LibreOffice xlsx→pdf", libreoffice, 1.0)


if __name__ == "__main__":
    main()
