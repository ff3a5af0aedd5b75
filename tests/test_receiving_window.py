"""The receiving side in the main window: a 市(州)版权局 imports its departments' bundles and
exports the summed 附件1; the province imports 市(州) bundles and sees the completeness
matrix and exact totals; bundles dropped on the window are imported."""

import random
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from PySide6.QtCore import QEvent, QMimeData, QObject, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton

from jianwang_desktop.core import excel
from jianwang_desktop.core.completeness import LATE, MISSING, ON_TIME
from jianwang_desktop.core.receiving import received
from jianwang_desktop.core.records import MonthData
from jianwang_desktop.core.store import Store
from jianwang_desktop.gui import province_pages, received_import
from jianwang_desktop.gui.received_matrix_model import STATUS_COLOURS
from jianwang_desktop.gui.statistics_model import display_value

from gui_helpers import open_window
from province_fixture import (PROVINCE, due_time, exact_sum, fill_and_export, make_office,
                              office_profile, random_grid)

PERIOD = "2015-08"


@pytest.fixture
def trusting(monkeypatch):
    """The clerk compares each new fingerprint with the paper and says 是."""
    asked = []

    def question(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(received_import.QMessageBox, "question", question)
    return asked


def import_with_dialog(qtbot, window, monkeypatch, paths):
    """汇总 → 导入数据包… → 选择数据包…, as the clerk does."""
    monkeypatch.setattr(received_import.QFileDialog, "getOpenFileNames",
                        lambda *a, **k: ([str(p) for p in paths], ""))
    window.menus.import_bundles_action.trigger()
    dialog = window.menus.import_dialog
    assert dialog.isVisible()
    with qtbot.waitSignal(dialog.finished_all, timeout=30000):
        qtbot.mouseClick(dialog.findChild(QPushButton, "chooseButton"), Qt.MouseButton.LeftButton)
    return dialog


def totals_of(form, grids):
    """The 合计 row of the sum of several grids, added up independently of the app."""
    return {k: sum((g[c][k] for g in grids for c in form.categories),
                   Decimal(0) if form.measure(k).is_amount else 0)
            for k in form.measure_keys}


def test_city_imports_both_departments_and_exports_their_sum(qtbot, tmp_path, monkeypatch,
                                                             trusting):
    out, sent = tmp_path / "out", tmp_path / "sent"
    out.mkdir()
    sent.mkdir()
    rng = random.Random(41)
    police = make_office(tmp_path, office_profile("绵阳市", "公安局"))
    cyber = make_office(tmp_path, office_profile("绵阳市", "网信办"))
    city = make_office(tmp_path, office_profile("绵阳市", "版权局"))
    bundles = [fill_and_export(office, PERIOD, rng, out) for office in (police, cyber)]
    with city.store() as store:
        form = store.form
        own = random_grid(form, rng)
        store.replace_month(MonthData(PERIOD, own, []))
        window = open_window(qtbot, store)
        try:
            assert window.tabs.tabText(window.tabs.count() - 1) == "本市汇总"
            assert window.menus.city_action.isVisible() and window.acceptDrops()
            assert not window.city_page.built  # made when the clerk first opens it
            window.menus.city_action.trigger()
            page = window.city_page
            assert window.tabs.currentWidget() is page
            assert "公安局、网信办尚未报送" in page.missing_label.text()

            dialog = import_with_dialog(qtbot, window, monkeypatch, bundles)
            assert len(trusting) == 2 and "绵阳市公安局" in trusting[0]
            assert dialog.log.toPlainText().count("已导入") == 2

            grids = [own, police.grids[PERIOD], cyber.grids[PERIOD]]
            for category in form.categories:  # the city total, cell by cell, exact
                for key in form.measure_keys:
                    assert page.total_model.grid()[category][key] == exact_sum(
                        grids, category, key), (category, key)
            model = page.breakdown_model
            assert [model.index(r, 0).data() for r in range(4)] == ["本单位", "公安局", "网信办", "合计"]
            expected = totals_of(form, grids)
            for column, measure in enumerate(form.measures, start=1):
                assert model.index(3, column).data() == display_value(expected[measure.key])
                assert model.index(1, column).data() == display_value(
                    totals_of(form, [police.grids[PERIOD]])[measure.key])
            assert model.index(1, len(form.measures) + 1).data() == "第1版"
            assert "均已报送" in page.missing_label.text()
            assert not page.stale_label.isVisible()
            # The own 附件1 is still the office's own figures, editable.
            assert window.statistics_model.grid() == own

            monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                                lambda *a, **k: str(sent))
            window.menus.export_action.trigger()
            qtbot.waitUntil(lambda: not window.menus.exporting and store.is_locked(PERIOD),
                            timeout=30000)
            window.menus.dialog.close()
        finally:
            window.close()
    (bundle,) = sent.glob("*.zip")
    with zipfile.ZipFile(bundle) as z:
        (xlsx_name,) = [n for n in z.namelist() if n.startswith("附件1")]
        cells = excel.read_cells(z.read(xlsx_name))
    for row, category in enumerate(form.categories, start=6):
        assert cells[f"A{row}"].text == category
        for column, key in enumerate(form.measure_keys):
            found = cells[f"{chr(ord('B') + column)}{row}"].text
            assert type(exact_sum(grids, category, key))(found) == exact_sum(grids, category, key)
    for column, key in enumerate(form.measure_keys):
        total_row = 6 + len(form.categories)
        assert Decimal(cells[f"{chr(ord('B') + column)}{total_row}"].text) == expected[key]


def grid_whole(view) -> bool:
    """Every row of a grid that never scrolls in its viewport, 合计 (the last) included,
    and the grid as tall as its header and rows."""
    model = view.model()
    total = view.visualRect(model.index(model.rowCount() - 1, 0))
    rows = view.verticalHeader().length()
    return (view.viewport().rect().contains(total) and view.viewport().height() >= rows
            and view.height() >= view.horizontalHeader().height() + rows + 2 * view.frameWidth())


class GridPaints(QObject):
    """For each paint of the 本市合计 grid, from the first: whether it showed every row."""

    def __init__(self, window):
        super().__init__()
        self.window = window
        self.frames: list[bool] = []

    def eventFilter(self, watched, event) -> bool:
        page = self.window.city_page
        if (event.type() == QEvent.Type.Paint and page is not None and page.built
                and watched is page.total_view.viewport()):
            self.frames.append(grid_whole(page.total_view))
        return False


@pytest.mark.parametrize("size", [None, (1920, 1040)], ids=["default", "maximized-1080p"])
def test_the_city_total_shows_every_row_from_the_first_frame(qtbot, tmp_path, size):
    """本市合计 is as tall as its rows: 合计, the figure the office sends, is never cut, on
    the window's default size (the page may scroll as a whole) and on a tall window (the page
    needs no scrolling), from the first frame of the tab, which builds the page."""
    city = make_office(tmp_path, office_profile("绵阳市", "版权局"))
    with city.store() as store:
        store.replace_month(MonthData(PERIOD, random_grid(store.form, random.Random(7)), []))
        window = open_window(qtbot, store)
        paints = GridPaints(window)
        app = QApplication.instance()
        app.installEventFilter(paints)
        try:
            if size is None:
                assert (window.width(), window.height()) == (1200, 720)
            else:
                window.resize(*size)
            assert not window.city_page.built
            window.menus.city_action.trigger()
            qtbot.waitUntil(lambda: bool(paints.frames))
            assert paints.frames[0], "the first frame cut the grid"
            qtbot.wait(50)  # and as it stays
            view = window.city_page.total_view
            assert grid_whole(view) and all(paints.frames)
            assert not view.verticalScrollBar().isVisible()
            page = window.city_page.ui  # the page scrolls as a whole if it must
            assert view.geometry().bottom() < page.height()
        finally:
            app.removeEventFilter(paints)
            window.close()


@pytest.fixture
def cities(tmp_path):
    """绵阳 on time in July and August, 德阳 three days late in July, 成都's 执法总队 on
    time in July then corrected after the deadline, nothing at all from the others."""
    out = tmp_path / "out"
    out.mkdir()
    rng = random.Random(5)
    mianyang = make_office(tmp_path, office_profile("绵阳市", "版权局"))
    deyang = make_office(tmp_path, office_profile("德阳市", "版权局"))
    squad = make_office(tmp_path, office_profile("成都市", "文化市场综合执法总队"))
    bundles = [fill_and_export(mianyang, p, rng, out) for p in ("2015-07", PERIOD)]
    with deyang.store() as store:
        late = due_time(store.form, "2015-07", 3)
    bundles.append(fill_and_export(deyang, "2015-07", rng, out, created=late))
    bundles.append(fill_and_export(squad, "2015-07", rng, out))
    first = dict(squad.grids)
    with squad.store() as store:
        store.start_correction("2015-07", "补录一件案件")
        corrected_at = due_time(store.form, "2015-07", 6)
    corrected = out / "corrected"
    corrected.mkdir()
    bundles.append(fill_and_export(squad, "2015-07", rng, corrected, created=corrected_at))
    assert squad.grids["2015-07"] != first["2015-07"]
    return {"绵阳市": mianyang, "德阳市": deyang, "成都市文化市场综合执法总队": squad}, bundles


def test_province_sees_who_reported_and_the_exact_totals(qtbot, tmp_path, monkeypatch,
                                                         trusting, cities):
    offices, bundles = cities
    province = make_office(tmp_path, PROVINCE)
    with province.store() as store:
        form = store.form
        window = open_window(qtbot, store, today=date(2015, 9, 10))
        try:
            titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
            assert titles == ["报送情况", "全省合计", "案件汇总"]
            assert not window.navigator_pane.isVisible()
            assert not window.menus.export_action.isVisible()
            assert window.menus.import_bundles_action.isVisible()
            import_with_dialog(qtbot, window, monkeypatch, bundles)

            window.menus.status_action.trigger()
            assert window.tabs.currentWidget() is window.status_page
            model = window.status_page.model
            assert model.rowCount() == 22 and model.columnCount() == 5
            rows = {model.headerData(r, Qt.Orientation.Vertical): r for r in range(22)}

            def cell(label, column):
                return model.index(rows[label], column)

            assert cell("绵阳市", 0).data() == cell("绵阳市", 1).data() == "按时"
            assert cell("德阳市", 0).data() == "逾期3天"
            assert cell("德阳市", 1).data() == "未报"
            assert cell("自贡市", 0).data() == "未报"
            assert cell("成都市文化市场综合执法总队", 0).data() == "按时(更正,第2版)"
            assert cell("绵阳市", 2).data() == "未到期"
            for index, status in ((cell("绵阳市", 0), ON_TIME), (cell("德阳市", 0), LATE),
                                  (cell("自贡市", 0), MISSING)):
                assert index.data(Qt.ItemDataRole.BackgroundRole).name() == \
                    STATUS_COLOURS[status]
            assert "第2版" in cell("成都市文化市场综合执法总队", 0).data(Qt.ItemDataRole.ToolTipRole)
            counts = window.status_page.counts_label.text()
            assert "2015年7月:按时 2、逾期 1、未报 19" in counts
            assert "工作计划(7月20日截止):已收 0 / 22,未报 22 个" in counts

            window.menus.totals_action.trigger()
            page = window.totals_page
            july = [offices[name].grids["2015-07"] for name in offices]  # 执法总队: 第2版
            august = [offices["绵阳市"].grids[PERIOD]]
            page.select_period("2015-07")
            assert "已汇总 3 / 22" in page.included_label.text()
            for category in form.categories:
                for key in form.measure_keys:
                    assert page.model.grid()[category][key] == exact_sum(july, category, key)
            page.select_period(None)  # 专项行动累计
            for category in form.categories:
                for key in form.measure_keys:
                    assert page.model.grid()[category][key] == exact_sum(
                        july + august, category, key)

            target = tmp_path / "全省汇总.xlsx"
            monkeypatch.setattr(province_pages.QFileDialog, "getSaveFileName",
                                lambda *a, **k: (str(target), ""))
            with qtbot.waitSignal(page.exported, timeout=30000):
                window.menus.summary_export_action.trigger()

            monkeypatch.setattr(province_pages.QFileDialog, "getSaveFileName",
                                lambda *a, **k: (str(tmp_path / "无此文件夹" / "x.xlsx"), ""))
            with qtbot.waitSignal(page.failed, timeout=30000):
                page.export_button.click()
            assert "无法写入" in window.message_label.text()
            assert "Traceback" not in window.message_label.text()

            window.menus.register_action.trigger()
            assert window.register_page.proxy.rowCount() == len(bundles) - 1  # one case each,
            # and the corrected revision replaces the first in the register
        finally:
            window.close()
        # The next morning: a window opened on what was imported shows it straight away.
        again = open_window(qtbot, store, today=date(2015, 9, 11))
        try:
            model = again.status_page.model
            rows = {model.headerData(r, Qt.Orientation.Vertical): r for r in range(22)}
            assert model.index(rows["德阳市"], 0).data() == "逾期3天"
            assert again.register_page.proxy.rowCount() == len(bundles) - 1
        finally:
            again.close()
    book = openpyxl.load_workbook(target)
    sheet = book["累计"]
    labels = {sheet.cell(r, 1).value: r for r in range(1, sheet.max_row + 1)}
    for category in form.categories:
        for column, key in enumerate(form.measure_keys, start=2):
            value = sheet.cell(labels[category], column).value
            assert Decimal(str(value)) == exact_sum(july + august, category, key)
    matrix = book["报送情况"]
    texts = [c.value for row in matrix.iter_rows() for c in row]
    assert "逾期3天" in texts


def drop(window, paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    point = QPointF(window.width() / 2, window.height() / 2)
    enter = QDragEnterEvent(point.toPoint(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    accepted = enter.isAccepted()
    if accepted:
        QApplication.sendEvent(window, QDropEvent(point, Qt.DropAction.CopyAction, mime,
                                                  Qt.MouseButton.LeftButton,
                                                  Qt.KeyboardModifier.NoModifier))
    return accepted


def test_bundles_dropped_on_the_window_are_imported(qtbot, tmp_path, trusting):
    out = tmp_path / "out"
    out.mkdir()
    police = make_office(tmp_path, office_profile("乐山市", "公安局"))
    city = make_office(tmp_path, office_profile("乐山市", "版权局"))
    bundle = fill_and_export(police, PERIOD, random.Random(3), out)
    note = tmp_path / "说明.txt"
    note.write_text("not a bundle", encoding="utf-8")
    with city.store() as store:
        window = open_window(qtbot, store)
        try:
            assert not drop(window, [note])  # only .zip files are taken
            window.menus.import_bundles()
            dialog = window.menus.import_dialog
            with qtbot.waitSignal(dialog.finished_all, timeout=30000):
                assert drop(window, [bundle, note])
            assert [r.unit for r in received(store)] == ["乐山市公安局"]
            window.show_page("city")
            assert window.city_page.breakdown_model.index(1, 1).data() != "未报送"
            assert "网信办尚未报送" in window.city_page.missing_label.text()
        finally:
            window.close()

    with police.store() as store:  # a 公安局 receives nothing: no import, no drop
        window = open_window(qtbot, store)
        try:
            assert not window.menus.import_bundles_action.isVisible()
            assert not window.acceptDrops() and not drop(window, [bundle])
            titles = [a.text().split("(")[0] for a in window.menuBar().actions()
                      if a.isVisible()]
            assert titles == ["文件", "报表", "工具", "帮助"]
            assert window.tabs.count() == 3
        finally:
            window.close()


def test_first_run_setup_offers_the_province(qtbot, tmp_path):
    from jianwang_desktop.gui.profile_dialog import SetupDialog

    with Store(tmp_path / "province.db") as store:
        dialog = SetupDialog(store)
        qtbot.addWidget(dialog)
        fields = dialog.fields
        fields.region.setCurrentText("四川省")
        assert [fields.department.itemText(i) for i in range(fields.department.count())] == [
            "省版权局", "省公安厅", "省网信办"]
        fields.department.setCurrentText("省公安厅")
        fields.filler.setText("王五")
        fields.phone.setText("028-86697093")
        dialog.accept()
        assert dialog.result() == dialog.DialogCode.Accepted
        profile = store.profile()
        assert (profile.region, profile.department) == ("四川省", "省公安厅")


def test_the_window_follows_a_change_of_office(qtbot, tmp_path):
    """Set up as 公安局 by mistake, then corrected to 版权局, then to the province."""
    police = make_office(tmp_path, office_profile("绵阳市", "公安局"))
    with police.store() as store:
        window = open_window(qtbot, store)
        try:
            office_tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
            assert "本市汇总" not in office_tabs
            assert "部门" not in window.month_model.index(1).data()
            store.set_profile(office_profile("绵阳市", "版权局"))
            window.apply_role()
            assert window.tabs.tabText(3) == "本市汇总" and window.acceptDrops()
            # Its 附件1 tab holds the bureau's own figures; what it sends is the city total.
            assert window.tabs.tabText(0) == "附件1 本局数字" and office_tabs[0] != "附件1 本局数字"
            assert "本市汇总" in window.tabs.tabToolTip(0)
            assert "部门 0/2" in window.month_model.index(1).data()
            assert "尚未报送:公安局、网信办" in window.month_model.index(1).data(
                Qt.ItemDataRole.ToolTipRole)
            store.set_profile(PROVINCE)
            window.apply_role()
            assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
                "报送情况", "全省合计", "案件汇总"]
            assert not window.menus.check_action.isEnabled()
            store.set_profile(office_profile("绵阳市", "公安局"))
            window.apply_role()
            assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == office_tabs
            assert window.navigator_pane.isVisible() and window.menus.check_action.isEnabled()
            assert not window.menus.import_bundles_action.isVisible()
        finally:
            window.close()


def test_a_department_correction_after_the_city_export_is_flagged(qtbot, tmp_path, trusting):
    from jianwang_desktop.core.receiving import import_file

    out, later = tmp_path / "out", tmp_path / "later"
    out.mkdir()
    later.mkdir()
    rng = random.Random(8)
    police = make_office(tmp_path, office_profile("宜宾市", "公安局"))
    city = make_office(tmp_path, office_profile("宜宾市", "版权局"))
    first = fill_and_export(police, PERIOD, rng, out)
    with city.store() as store:
        import_file(store, first, trust_new=True)
    fill_and_export(city, PERIOD, rng, out)  # the city total with 公安局 第1版
    with police.store() as store:
        store.start_correction(PERIOD, "补录")
        when = due_time(store.form, PERIOD, 1)
    second = fill_and_export(police, PERIOD, rng, later, created=when)
    with city.store() as store:
        window = open_window(qtbot, store)
        try:
            window.show_page("city")
            assert not window.city_page.stale_label.isVisible()
            window.menus.import_bundles()
            with qtbot.waitSignal(window.menus.import_dialog.finished_all, timeout=30000):
                drop(window, [second])
            page = window.city_page
            assert page.breakdown_model.index(1, len(store.form.measures) + 1).data() == "第2版"
            assert page.stale_label.isVisible()
            assert "已导出的第1版合计与现在导入的部门数据不一致" in page.stale_label.text()
        finally:
            window.close()


def test_a_changed_key_is_refused_with_the_way_to_trust_it_in_the_window(
        qtbot, tmp_path, monkeypatch, trusting):
    """公安局 reinstalled (a new key): the refusal names the 工具 menu's dialog, not only the
    command line, since the clerk reading it is in the window."""
    import shutil

    from jianwang_desktop.core.receiving import import_file
    from province_fixture import Office

    out, again = tmp_path / "out", tmp_path / "again"
    out.mkdir()
    again.mkdir()
    rng = random.Random(12)
    police = make_office(tmp_path, office_profile("宜宾市", "公安局"))
    shutil.copytree(police.db.parent, tmp_path / "reinstalled")  # no key yet: a new one
    reinstalled = Office(police.profile, tmp_path / "reinstalled" / "jianwang.db")
    city = make_office(tmp_path, office_profile("宜宾市", "版权局"))
    first = fill_and_export(police, PERIOD, rng, out)
    second = fill_and_export(reinstalled, "2015-09", rng, again)
    with city.store() as store:
        import_file(store, first, trust_new=True)
        window = open_window(qtbot, store)
        try:
            dialog = import_with_dialog(qtbot, window, monkeypatch, [second])
            log = dialog.log.toPlainText()
            assert "换了签名密钥" in log and "未导入" in log
            assert "工具 → 受信任的公钥… → 添加公钥文件…" in log
            assert window.menus.trusted_action.text() == "受信任的公钥…"
            assert [b.period for b in received(store)] == [PERIOD]  # nothing stored
        finally:
            window.close()
