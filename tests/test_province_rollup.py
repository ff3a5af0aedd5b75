"""21 市(州) × 3 departments × 5 months of random valid data, exported as signed bundles by
separate installations, summed at each 市(州)版权局 and at the province.

Expected sums are computed here from the generated grids with plain addition.
"""

import json
import random
from datetime import date

import pytest

from jianwang_desktop.core.completeness import LATE, MISSING, NOT_DUE, ON_TIME, completeness
from jianwang_desktop.core.domain import geography
from jianwang_desktop.core.interchange import dump_month
from jianwang_desktop.core.receiving import HISTORY, IMPORTED, Sender, import_file
from jianwang_desktop.core.register import CaseFilter, search_cases
from jianwang_desktop.core.rollup import campaign_to_date, combined_month, monthly_totals
from jianwang_desktop.core.verify import verify_file

from province_fixture import (PERIODS, PROVINCE, due_time, exact_sum, fill_and_export,
                              make_office, office_profile)

LATE_CITY, LATE_PERIOD, LATE_DAYS = "德阳市", "2015-09", 3
MISSING_CITY, MISSING_PERIOD = "广元市", "2015-10"
CORRECTED_CITY, CORRECTED_PERIOD = "绵阳市", "2015-08"
AFTER_CAMPAIGN = date(2015, 12, 31)


class Province:
    """What the fixture built; `expected` holds the independent sums."""


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    root = tmp_path_factory.mktemp("province")
    out = root / "bundles"
    out.mkdir()
    rng = random.Random(20150701)
    geo = geography()
    p = Province()
    p.cities, p.departments, p.city_bundles = {}, {}, {}
    for region in geo.regions:
        police = make_office(root, office_profile(region, "公安局"))
        cyber = make_office(root, office_profile(region, "网信办"))
        city = make_office(root, office_profile(region, "版权局"))
        p.departments[region] = (police, cyber)
        p.cities[region] = city
        for period in PERIODS:
            for office in (police, cyber):
                fill_and_export(office, period, rng, out)
            with city.store() as store:
                for office in (police, cyber):
                    assert import_file(store, office.bundles[period], trust_new=True).status \
                        == IMPORTED
            late = (region, period) == (LATE_CITY, LATE_PERIOD)
            created = due_time(city.store().form, period, LATE_DAYS) if late else None
            p.city_bundles[(region, period, 1)] = fill_and_export(city, period, rng, out,
                                                                  created=created)
    p.team = make_office(root, office_profile("成都市", "文化市场综合执法总队"))
    for period in PERIODS:
        fill_and_export(p.team, period, rng, out)

    # 绵阳市公安局 corrects August; 绵阳市版权局 imports it, corrects and exports 第2版.
    police = p.departments[CORRECTED_CITY][0]
    with police.store() as store:
        store.start_correction(CORRECTED_PERIOD, "补录案件")
        store.set_cell(CORRECTED_PERIOD, "音乐", "sites_closed", 77)
        police.grids[CORRECTED_PERIOD]["音乐"]["sites_closed"] = 77
    from jianwang_desktop.core.bundle import export_month
    with police.store() as store:
        police.bundles[CORRECTED_PERIOD] = export_month(
            store, CORRECTED_PERIOD, out, now=due_time(store.form, CORRECTED_PERIOD, 1)).path
    city = p.cities[CORRECTED_CITY]
    with city.store() as store:
        assert import_file(store, police.bundles[CORRECTED_PERIOD]).status == IMPORTED
        store.start_correction(CORRECTED_PERIOD, "公安局更正")
        p.city_bundles[(CORRECTED_CITY, CORRECTED_PERIOD, 2)] = export_month(
            store, CORRECTED_PERIOD, out, now=due_time(store.form, CORRECTED_PERIOD, 2)).path

    p.office = make_office(root, PROVINCE)
    with p.office.store() as store:
        second = p.city_bundles[(CORRECTED_CITY, CORRECTED_PERIOD, 2)]
        assert import_file(store, second, trust_new=True).status == IMPORTED
        for (region, period, revision), path in p.city_bundles.items():
            if (region, period) == (MISSING_CITY, MISSING_PERIOD) or revision == 2:
                continue
            outcome = import_file(store, path, trust_new=True)
            expected = HISTORY if (region, period) == (CORRECTED_CITY, CORRECTED_PERIOD) \
                else IMPORTED
            assert outcome.status == expected, outcome.message
        for period in PERIODS:
            import_file(store, p.team.bundles[period], trust_new=True)
    return p


def city_expected(p, region, period):
    police, cyber = p.departments[region]
    return [p.cities[region].grids[period], police.grids[period], cyber.grids[period]]


def test_every_city_total_is_the_exact_sum_of_its_three_offices(province):
    form = province.office.store().form
    for region, city in province.cities.items():
        with city.store() as store:
            for period in PERIODS:
                got = combined_month(store, period).statistics
                grids = city_expected(province, region, period)
                for category in form.categories:
                    for key in form.measure_keys:
                        assert got[category][key] == exact_sum(grids, category, key), \
                            (region, period, category, key)
                # the clerk's own grid is untouched by the sum
                assert store.load_grid(period) == city.grids[period]


def test_city_bundle_carries_the_total_and_each_department_with_its_sha256(province):
    import hashlib
    import zipfile

    path = province.city_bundles[("乐山市", "2015-07", 1)]
    result = verify_file(path)
    assert result.ok, result.failures
    with zipfile.ZipFile(path) as z:
        data = json.loads(z.read("data.json"))
    police, cyber = province.departments["乐山市"]
    shas = {hashlib.sha256(o.bundles["2015-07"].read_bytes()).hexdigest() for o in (police, cyber)}
    assert {c["bundle_sha256"] for c in data["contributions"]} == shas
    assert {c["department"] for c in data["contributions"]} == {"公安局", "网信办"}
    grids = city_expected(province, "乐山市", "2015-07")
    assert data["statistics"]["游戏"]["servers"] == exact_sum(grids, "游戏", "servers")
    police_entry = next(c for c in data["contributions"] if c["department"] == "公安局")
    assert police_entry["statistics"]["软件"]["filed"] == police.grids["2015-07"]["软件"]["filed"]


def test_city_dump_gives_the_city_total(province):
    with province.cities["泸州市"].store() as store:
        data = json.loads(dump_month(store, "2015-11"))
    grids = city_expected(province, "泸州市", "2015-11")
    from decimal import Decimal
    assert Decimal(data["statistics"]["音乐"]["fine"]) == exact_sum(grids, "音乐", "fine")
    assert len(data["contributions"]) == 2


def provincial_expected(p, period):
    grids = []
    for region in p.cities:
        if (region, period) == (MISSING_CITY, MISSING_PERIOD):
            continue
        grids += city_expected(p, region, period)
    return grids + [p.team.grids[period]]


def test_provincial_totals_are_exact_sums_per_month_and_to_date(province):
    with province.office.store() as store:
        form = store.form
        months = monthly_totals(store)
        to_date = campaign_to_date(store, months)
        for period in PERIODS:
            grids = provincial_expected(province, period)
            for category in form.categories:
                for key in form.measure_keys:
                    assert months[period][category][key] == exact_sum(grids, category, key)
        every = [g for period in PERIODS for g in provincial_expected(province, period)]
        for category in form.categories:
            for key in form.measure_keys:
                assert to_date[category][key] == exact_sum(every, category, key)
        # the corrected 第2版 counts, not the 第1版 imported after it
        assert months[CORRECTED_PERIOD]["音乐"]["sites_closed"] == exact_sum(
            provincial_expected(province, CORRECTED_PERIOD), "音乐", "sites_closed")


def test_province_dump_is_the_provincial_total_in_the_interchange_format(province):
    from jianwang_desktop.core.interchange import month_from_dict, parse_json

    with province.office.store() as store:
        raw = dump_month(store, "2015-07").encode("utf-8")
    form, header, month = month_from_dict(parse_json(raw))
    assert header["region"] == "四川省" and header["department"] == "省版权局"
    grids = provincial_expected(province, "2015-07")
    assert month.statistics["影视"]["involved"] == exact_sum(grids, "影视", "involved")
    # the received cases are in the register, not in one office's 附件2
    assert month.cases == []


def test_completeness_matrix_on_time_late_missing_corrected(province):
    with province.office.store() as store:
        matrix = completeness(store, today=AFTER_CAMPAIGN)
        early = completeness(store, today=date(2015, 10, 15))
    assert len(matrix.senders) == 22
    assert Sender("成都市", "文化市场综合执法总队") in matrix.senders
    late = matrix.cell(Sender(LATE_CITY, "版权局"), LATE_PERIOD)
    assert late.status == LATE and late.days_late == LATE_DAYS and "逾期3天" in late.label
    assert matrix.cell(Sender(MISSING_CITY, "版权局"), MISSING_PERIOD).status == MISSING
    assert early.cell(Sender(MISSING_CITY, "版权局"), MISSING_PERIOD).status == NOT_DUE
    corrected = matrix.cell(Sender(CORRECTED_CITY, "版权局"), CORRECTED_PERIOD)
    assert corrected.status == ON_TIME and corrected.revision == 2 and corrected.corrected
    assert matrix.status_count("2015-07", ON_TIME) == 22
    assert matrix.status_count(LATE_PERIOD, LATE) == 1
    assert matrix.status_count(MISSING_PERIOD, MISSING) == 1
    assert json.loads(json.dumps(matrix.as_dict()))["rows"][0]["label"] == "成都市"


def test_register_finds_cases_by_region_month_category_source_and_text(province):
    with province.office.store() as store:
        every = search_cases(store)
        assert len(every) == 5 * 22 - 1  # one case per bundle; one month missing
        mianyang = search_cases(store, CaseFilter(region="绵阳市"))
        assert {c.period for c in mianyang} == set(PERIODS)
        assert all(c.unit == "绵阳市版权局" for c in mianyang)
        first = every[0].case
        by_category = search_cases(store, CaseFilter(category=first.category))
        assert by_category and all(c.case.category == first.category for c in by_category)
        by_source = search_cases(store, CaseFilter(source=first.source))
        assert all(c.case.source == first.source for c in by_source)
        hit = search_cases(store, CaseFilter(text=first.summary[-6:]))
        assert first in [c.case for c in hit]
        assert search_cases(store, CaseFilter(text="没有这样的案情")) == []
        assert search_cases(store, CaseFilter(region=MISSING_CITY, period=MISSING_PERIOD)) == []


def test_summary_workbook_has_totals_and_the_matrix(province, tmp_path):
    import io

    from openpyxl import load_workbook

    from jianwang_desktop.core.summary import summary_workbook_bytes

    with province.office.store() as store:
        months = monthly_totals(store)
        to_date = campaign_to_date(store, months)
        matrix = completeness(store, today=AFTER_CAMPAIGN)
        from datetime import datetime
        raw = summary_workbook_bytes(store.form, "四川省版权局", "四川省", months, to_date,
                                     matrix, datetime(2015, 12, 1).astimezone())
    wb = load_workbook(io.BytesIO(raw))
    assert wb.sheetnames[0] == "累计" and wb.sheetnames[-1] == "报送情况"
    sheet = wb["累计"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    film = next(r for r in values if r[0] == "影视")
    every = [g for period in PERIODS for g in provincial_expected(province, period)]
    assert int(film[1]) == exact_sum(every, "影视", "filed")
    from decimal import Decimal
    assert Decimal(str(film[3])) == exact_sum(every, "影视", "fine")
    status = [[c.value for c in row] for row in wb["报送情况"].iter_rows()]
    deyang = next(r for r in status if r[0] == LATE_CITY)
    assert deyang[1 + PERIODS.index(LATE_PERIOD)] == "逾期3天"
