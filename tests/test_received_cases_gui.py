"""The register page of received cases: the model, its filter and the widget."""

import random

import pytest
from PySide6.QtCore import Qt

from jianwang_desktop.core.receiving import import_file
from jianwang_desktop.core.register import CaseFilter, search_cases
from jianwang_desktop.gui.received_cases_model import ReceivedCasesModel, SortRole
from jianwang_desktop.gui.received_cases_page import ReceivedCasesPage

from province_fixture import PROVINCE, fill_and_export, make_office, office_profile


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
