"""The register page of received cases: the model, its filter and the widget."""

import random

import pytest
from PySide6.QtCore import Qt

from jianwang_desktop.core.receiving import import_file
from jianwang_desktop.core.register import CaseFilter, ReceivedCase, search_cases
from jianwang_desktop.gui.received_cases_model import (ReceivedCaseRole, ReceivedCasesModel,
                                                       SortRole)
from jianwang_desktop.gui.received_cases_page import ReceivedCasesPage

from province_fixture import PROVINCE, fill_and_export, make_office, office_profile


def offices_in(tmp_path, region, departments, seed):
    """Offices of one 市(州), each with July exported; and the bundles' folder."""
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    rng = random.Random(seed)
    offices = [make_office(tmp_path, office_profile(region, d)) for d in departments]
    for office in offices[:-1]:
        fill_and_export(office, "2015-07", rng, out)
    return offices


@pytest.fixture
def province_store(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    rng = random.Random(11)
    province = make_office(tmp_path, PROVINCE)
    bundles = []
    for region in ("绵阳市", "德阳市"):
        city = make_office(tmp_path, office_profile(region, "版权局"))
        bundles += [fill_and_export(city, p, rng, out, cases=4) for p in ("2015-07", "2015-08")]
    with province.store() as store:
        for path in bundles:
            import_file(store, path, trust_new=True)
        yield store


def test_model_passes_the_qt_model_tester(qtmodeltester, province_store):
    model = ReceivedCasesModel(province_store.form)
    model.set_items(search_cases(province_store))
    assert model.rowCount() == 16
    qtmodeltester.check(model)


def test_page_filters_agree_with_the_core_query(qtbot, province_store):
    page = ReceivedCasesPage(province_store)
    qtbot.addWidget(page)
    assert page.proxy.rowCount() == 16
    page.region.setCurrentIndex(page.region.findData("德阳市"))
    page.period.setCurrentIndex(page.period.findData("2015-08"))
    assert page.proxy.rowCount() == len(search_cases(
        province_store, CaseFilter(region="德阳市", period="2015-08"))) == 4
    first = page.proxy.index(0, 1).data()
    assert first == "德阳市版权局"
    word = search_cases(province_store)[5].case.summary.split()[-1]
    page.region.setCurrentIndex(0)
    page.period.setCurrentIndex(0)
    qtbot.keyClicks(page.text, word)
    expected = search_cases(province_store, CaseFilter(text=word))
    assert 1 <= page.proxy.rowCount() == len(expected)
    assert "1 条" in page.count.text() or str(len(expected)) in page.count.text()
    page.text.clear()
    page.category.setCurrentIndex(page.category.findData("音乐"))
    assert page.proxy.rowCount() == len(search_cases(province_store,
                                                     CaseFilter(category="音乐")))
    periods = [page.proxy.index(r, 0).data(SortRole) for r in range(page.proxy.rowCount())]
    assert periods == sorted(periods)
    page.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    units = [page.proxy.index(r, 1).data() for r in range(page.proxy.rowCount())]
    assert units == sorted(units, reverse=True)
    assert page.proxy.rowCount() == len(search_cases(province_store,
                                                     CaseFilter(category="音乐")))


def test_a_row_read_through_qt_gives_its_received_case_itself(qtbot, province_store):
    """ReceivedCase is a tuple: read through the proxy (Qt's QVariant, not a Python call)
    it must come back as the record, not as a list of its fields."""
    page = ReceivedCasesPage(province_store)
    qtbot.addWidget(page)
    page.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert page.proxy.rowCount() == 16
    for row in range(page.proxy.rowCount()):
        index = page.proxy.index(row, 0)
        item = index.data(ReceivedCaseRole)
        assert type(item) is ReceivedCase
        assert item == page.model.items()[page.proxy.mapToSource(index).row()]
        assert page.proxy.index(row, 1).data() == item.unit

def test_completeness_model_shows_the_matrix(qtmodeltester, province_store):
    from datetime import date

    from jianwang_desktop.core.completeness import completeness
    from jianwang_desktop.gui.received_matrix_model import CompletenessModel

    model = CompletenessModel(province_store.form)
    model.set_matrix(completeness(province_store, today=date(2015, 9, 10)))
    qtmodeltester.check(model)
    assert model.rowCount() == 22 and model.columnCount() == 5
    rows = [model.headerData(r, Qt.Orientation.Vertical) for r in range(22)]
    mianyang = rows.index("绵阳市")
    assert model.index(mianyang, 0).data() == "按时"
    assert model.index(mianyang, 2).data() == "未到期"  # September: due 9月30日
    assert model.index(rows.index("自贡市"), 1).data() == "未报"
    tip = model.index(mianyang, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert "指纹" in tip
    assert "首次生成:2015-08-28 17:00\n" in tip and "T17:00" not in tip  # as 本市汇总 shows it


def test_city_breakdown_model_lists_departments_and_the_total(qtmodeltester, tmp_path):
    from jianwang_desktop.core.rollup import city_breakdown
    from jianwang_desktop.core.signing import grouped, installation_public_key
    from jianwang_desktop.gui.received_city_model import CityBreakdownModel

    police, city = offices_in(tmp_path, "乐山市", ["公安局", "版权局"], 5)
    fill_and_export(city, "2015-07", random.Random(6), tmp_path / "out")
    with city.store() as store:
        import_file(store, police.bundles["2015-07"], trust_new=True)
        model = CityBreakdownModel(store.form)
        model.set_rows(city_breakdown(store, "2015-07"))
    qtmodeltester.check(model)
    sources = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert sources == ["本单位", "公安局", "网信办", "合计"]
    assert model.index(2, 1).data() == "未报送"
    filed = [int(model.index(r, 1).data()) for r in (0, 1, 3)]
    assert filed[2] == filed[0] + filed[1]
    assert model.index(1, 8).data() == "第1版"
    fingerprint = grouped(installation_public_key(police.db).fingerprint)
    assert model.index(1, 10).data() == fingerprint
    assert model.index(1, 10).data(Qt.ItemDataRole.ToolTipRole) == fingerprint  # cut when shown


def test_import_dialog_asks_before_trusting_a_new_key(qtbot, tmp_path):
    from jianwang_desktop.core.receiving import received
    from jianwang_desktop.gui.received_import import ImportDialog

    police, cyber, city = offices_in(tmp_path, "眉山市", ["公安局", "网信办", "版权局"], 9)
    dialog = ImportDialog(city.db)
    qtbot.addWidget(dialog)
    asked = []
    dialog.ask_trust = lambda unit, fp: asked.append((unit, fp)) or unit == "眉山市公安局"
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    with qtbot.waitSignal(dialog.finished_all, timeout=20000):
        dialog.import_paths([police.bundles["2015-07"], cyber.bundles["2015-07"], broken])
    assert [unit for unit, _ in asked] == ["眉山市公安局", "眉山市网信办"]
    text = dialog.log.toPlainText()
    assert "已导入 眉山市公安局" in text and "未导入:眉山市网信办的公钥" in text
    assert "不是有效的 zip 文件" in text
    with city.store() as store:
        assert [r.unit for r in received(store)] == ["眉山市公安局"]


def test_rows_are_numbered_as_listed_when_filtered_and_sorted(qtbot, province_store):
    page = ReceivedCasesPage(province_store)
    qtbot.addWidget(page)
    page.category.setCurrentIndex(page.category.findData("音乐"))
    page.table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    shown = page.proxy.rowCount()
    assert 1 <= shown < 16
    numbers = [page.proxy.headerData(r, Qt.Orientation.Vertical) for r in range(shown)]
    assert numbers == [str(n) for n in range(1, shown + 1)]
