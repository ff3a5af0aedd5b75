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


def wait_for(condition) -> None:
    import time

    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + 30
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for a background job")
        QApplication.processEvents()
        time.sleep(0.01)


def export_shots(window, store, tmp: Path, out: Path) -> None:
    """The export result, the locked month, the 更正 dialog and the verify dialog.

    The dialogs show file paths; they are replaced by a plausible office path so that no
    path of the machine that made the screenshots ends up in docs/.
    """
    import zipfile
    from datetime import datetime, timedelta, timezone

    from jianwang_desktop.core.bundle import export_month
    from jianwang_desktop.gui.correction_dialog import CorrectionDialog
    from jianwang_desktop.gui.export_result import ExportResultDialog
    from jianwang_desktop.gui.verify_dialog import VerifyDialog

    shown_folder = Path("D:/剑网报送")
    sent = tmp / "sent"
    sent.mkdir()
    when = datetime(2015, 8, 28, 16, 52, 10, tzinfo=timezone(timedelta(hours=8)))
    result = export_month(store, "2015-08", sent, now=when)
    record = store.exports("2015-08")[-1]
    shown = result._replace(path=shown_folder / result.path.name)
    dialog = ExportResultDialog(shown, record, "2015年8月", lambda url: True, lambda: None,
                                lambda: None, window)
    dialog.show()
    dialog.adjustSize()
    save(dialog, out / "export-result.png")
    dialog.close()

    window.reload_month("2015-08")
    window.tabs.setCurrentWidget(window.statistics_page)
    save(window, out / "attachment1-exported.png")

    correction = CorrectionDialog(store, "2015-08", window)
    correction.reason.setPlainText("影视类漏报一件行政处罚案件,补录后重新报送。")
    correction.show()
    save(correction, out / "correction.png")
    correction.close()

    receiver_db = tmp / "province.db"
    from jianwang_desktop.core.store import Store

    with Store(receiver_db) as receiver:
        verify = VerifyDialog(receiver)
        verify.show()
        verify.verify(result.path)
        wait_for(lambda: verify.result is not None)
        verify.path_edit.setText(str(Path("D:/收件") / result.path.name))
        save(verify, out / "verify-good.png")
        tampered = tmp / "tampered.zip"
        with zipfile.ZipFile(result.path) as source, zipfile.ZipFile(tampered, "w") as target:
            for info in source.infolist():
                data = source.read(info)
                if info.filename == "data.json":
                    data = data.replace(b'"filed": 1', b'"filed": 2', 1)
                target.writestr(info, data)
        verify.verify(tampered)
        wait_for(lambda: verify.result is not None)
        verify.path_edit.setText(str(Path("D:/收件") / result.path.name))
        save(verify, out / "verify-tampered.png")
        verify.close()


def receiving_shots(tmp: Path, out: Path) -> None:
    """本市汇总 at a 市(州)版权局 (公安局 reported, 网信办 not yet) and the province's
    报送情况 matrix and 全省合计, on bundles made by throw-away offices."""
    import random

    from jianwang_desktop.core.completeness import CHINA
    from jianwang_desktop.core.receiving import import_file
    from jianwang_desktop.core.roles import Sender, senders_of
    from jianwang_desktop.core.records import MonthData
    from jianwang_desktop.gui.main_window import MainWindow
    from province_fixture import (PROVINCE, due_time, fill_and_export, make_office,
                                  office_profile, random_grid)

    rng = random.Random(2015)
    sent = tmp / "bundles"
    sent.mkdir()
    police = make_office(tmp / "city", office_profile("绵阳市", "公安局"))
    city = make_office(tmp / "city", office_profile("绵阳市", "版权局"))
    police_bundle = fill_and_export(police, "2015-08", rng, sent)
    with city.store() as store:
        store.replace_month(MonthData("2015-08", random_grid(store.form, rng), []))
        import_file(store, police_bundle, trust_new=True)
        window = MainWindow(store, today=TODAY)
        window.resize(*SIZE)
        window.show()
        wait_for(lambda: not window.start_pending)
        window.statusBar().hide()
        window.select_month("2015-08")
        window.show_page("city")
        save(window, out / "city-total.png")
        window.close()

    province = make_office(tmp / "province", PROVINCE)
    with province.store() as store:
        senders = senders_of(store.profile())
    assert len(senders) == 22 and Sender("成都市", "文化市场综合执法总队") in senders
    late = {"2015-07": {"甘孜藏族自治州", "阿坝藏族羌族自治州"},
            "2015-08": {"巴中市", "雅安市", "凉山彝族自治州"}}
    missing = {"2015-07": {"资阳市"}, "2015-08": {"资阳市", "广元市", "达州市", "甘孜藏族自治州"}}
    early_september = {"成都市", "绵阳市", "德阳市", "乐山市", "宜宾市", "自贡市"}
    bundles = []
    for sender in senders:
        office = make_office(tmp / "offices", office_profile(sender.region, sender.department))
        for period in ("2015-07", "2015-08"):
            if sender.label in missing[period]:
                continue
            days = rng.randint(2, 9) if sender.label in late[period] else -rng.randint(0, 6)
            with office.store() as s:
                when = due_time(s.form, period, days)
            bundles.append(fill_and_export(office, period, rng, sent, cases=2, created=when))
        if sender.region in early_september and sender.department == "版权局":
            from datetime import datetime

            bundles.append(fill_and_export(office, "2015-09", rng, sent, cases=1,
                                           created=datetime(2015, 9, 18, 10, 0, tzinfo=CHINA)))
        if sender.label == "南充市":  # corrected after the deadline: still on time
            with office.store() as s:
                s.start_correction("2015-07", "补录一件案件")
                when = due_time(s.form, "2015-07", 12)
            again = sent / "again"
            again.mkdir()
            bundles.append(fill_and_export(office, "2015-07", rng, again, cases=2, created=when))
    with province.store() as store:
        for path in bundles:
            import_file(store, path, trust_new=True)
        window = MainWindow(store, today=TODAY)
        window.resize(SIZE[0], 820)
        window.show()
        wait_for(lambda: not window.start_pending)
        window.statusBar().hide()
        window.show_page("status")
        save(window, out / "province-status.png")
        window.show_page("totals")
        window.totals_page.select_period("2015-08")
        save(window, out / "province-totals.png")
        window.close()


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
        wait_for(lambda: not window.start_pending)  # the check and month states follow the paint
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
        export_shots(window, store, Path(tmp), out)
        window.close()
        store.close()
        receiving_shots(Path(tmp), out)

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
