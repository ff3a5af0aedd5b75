"""Screenshots of the entry screens on sample data, for docs/screenshots/.

Runs offscreen by default (QT_QPA_PLATFORM=offscreen); `xvfb-run -a python
scripts/screenshots.py` works as well. Uses a throw-away database, never the user's.

    python scripts/screenshots.py [OUTPUT_FOLDER]
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TODAY = date(2015, 9, 20)
SIZE = (1280, 760)


def sample_store(path: Path):
    from jianwang_desktop.core.domain import Profile
    from jianwang_desktop.core.records import MonthData, grid_from_cases
    from jianwang_desktop.core.store import Store
    from sample_data import full_grid, sample_case

    store = Store(path)
    store.set_profile(Profile("绵阳市", "版权局", "绵阳市版权局", "张三", "0816-2345678"))
    form = store.form
    software = sample_case(form, 3, category="软件").copy(
        name="某软件下载站提供盗版软件下载案", source="上级交办",
        summary="经查,该网站未经许可提供多款商业软件的破解版下载,\n点击量逾 10 万次。",
        result="已移送公安机关立案侦查。")
    software.measures = {"filed": 1, "closed": 0, "transferred": 1,
                         "involved": Decimal("23.6"), "servers": 2}
    august = [sample_case(form, 1), sample_case(form, 2, category="影视"), software]
    store.replace_month(MonthData("2015-07", full_grid(form, seed=3), []))
    store.replace_month(MonthData("2015-08", grid_from_cases(form, august), august))
    september = full_grid(form, seed=2)
    september["游戏"]["closed"] = 0  # 罚款 without a closed case: shown as an error
    september["其他"] = {k: None for k in form.measure_keys}
    cases = [sample_case(form, 1).copy(number="201509-001"),
             sample_case(form, 2).copy(number="201509-002", handling_unit="", summary="")]
    store.replace_month(MonthData("2015-09", september, cases))
    return store


def save(widget, path: Path) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    # A 256-colour palette (no dithering) keeps UI shots sharp and small.
    image = widget.grab().toImage().convertToFormat(
        QImage.Format.Format_Indexed8,
        Qt.ImageConversionFlag.ThresholdDither | Qt.ImageConversionFlag.AvoidDither)
    if not image.save(str(path), "PNG", 9):
        raise SystemExit(f"could not write {path}")
    print(f"{path}  {image.width()}×{image.height()}  {path.stat().st_size // 1024} KB")


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    from jianwang_desktop.core.store import Store
    from PySide6.QtGui import QFontInfo

    from jianwang_desktop.gui.app import CJK_UI_FAMILIES, make_application
    from jianwang_desktop.gui.main_window import MainWindow
    from jianwang_desktop.gui.profile_dialog import SetupDialog

    app = make_application(["screenshots"])
    family = QFontInfo(app.font()).family()
    if family not in CJK_UI_FAMILIES:
        raise SystemExit(f"no Simplified Chinese font found (got {family}); install fonts-noto-cjk")
    print(f"font: {family}")
    with tempfile.TemporaryDirectory() as tmp:
        store = sample_store(Path(tmp) / "sample.db")
        window = MainWindow(store, today=TODAY)
        window.resize(*SIZE)
        window.show()
        window.statusBar().hide()  # it shows the (temporary) database path
        window.select_month("2015-08")
        save(window, out / "attachment1.png")
        window.tabs.setCurrentWidget(window.cases_page)
        window.select_case(window.case_model.case_at(2).id)
        save(window, out / "attachment2.png")
        window.select_month("2015-09")
        window.tabs.setCurrentWidget(window.findings_page)
        save(window, out / "findings.png")
        window.tabs.setCurrentWidget(window.statistics_page)
        window.statistics_view.setCurrentIndex(window.statistics_model.index(3, 1))
        save(window, out / "attachment1-errors.png")
        window.close()
        store.close()

        with Store(Path(tmp) / "fresh.db") as fresh:
            dialog = SetupDialog(fresh)
            fields = dialog.fields
            fields.region.setCurrentText("绵阳市")
            fields.department.setCurrentText("版权局")
            fields.filler.setText("张三")
            fields.phone.setText("0816-234")
            fields.check(show_all=True)
            dialog.show()
            dialog.adjustSize()
            save(dialog, out / "setup.png")
            dialog.close()


if __name__ == "__main__":
    main()
