"""Import at a 市(州)版权局: verified first, key rules, revisions, nothing changed on refusal."""

import io
import json
import random
import zipfile
from datetime import datetime

import pytest

from jianwang_desktop.core.bundle import export_month
from jianwang_desktop.core.china_time import CHINA
from jianwang_desktop.core.errors import UserError
from jianwang_desktop.core.receiving import (DUPLICATE, HISTORY, IMPORTED, current_bundles,
                                             import_bundle, import_file, received)
from jianwang_desktop.core.rollup import combined_month, contribution_dicts
from jianwang_desktop.core.signing import installation_public_key
from jianwang_desktop.core.store import Store

from conftest import run_cli
from province_fixture import due_time, fill_and_export, make_office, office_profile, police_and_city

PERIOD = "2015-08"


@pytest.fixture
def offices(tmp_path):
    police, city, out = police_and_city(tmp_path)
    rng = random.Random(7)
    fill_and_export(police, PERIOD, rng, out)
    return police, city, out, rng


def police_second_revision(police, out):
    """The police office corrects the month and exports its 第2版 a day after the due date."""
    with police.store() as store:
        store.start_correction(PERIOD, "补录")
        return export_month(store, PERIOD, out, now=due_time(store.form, PERIOD, 1))


def snapshot(office):
    with office.store() as store:
        rows = store.db.execute("SELECT sha256, revision FROM received_bundles").fetchall()
        keys = store.trusted_keys()
    return rows, keys


def test_untrusted_key_is_refused_and_nothing_changes(offices):
    police, city, _, _ = offices
    with city.store() as store:
        with pytest.raises(UserError) as e:
            import_file(store, police.bundles[PERIOD])
    assert "不在受信任列表中" in str(e.value) and "--trust-new" in str(e.value)
    assert snapshot(city) == ([], {})


def test_trust_new_trusts_a_first_key_and_the_same_bundle_twice_is_a_no_op(offices):
    police, city, _, _ = offices
    with city.store() as store:
        first = import_file(store, police.bundles[PERIOD], trust_new=True)
        assert first.status == IMPORTED and first.newly_trusted
        assert first.fingerprint in store.trusted_keys()
        again = import_file(store, police.bundles[PERIOD], trust_new=True)
        assert again.status == DUPLICATE and "已导入过" in again.message
        assert len(received(store)) == 1


def tamper(raw: bytes, member: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == member:
                data = data.replace(b'"filed": ', b'"filed": 1', 1)
            dst.writestr(info, data)
    return out.getvalue()


def test_tampered_bundle_is_refused_with_the_verifier_s_reason(offices):
    police, city, _, _ = offices
    raw = tamper(police.bundles[PERIOD].read_bytes(), "data.json")
    with city.store() as store:
        with pytest.raises(UserError) as e:
            import_bundle(store, raw, "改过的.zip", trust_new=True)
    assert "验证未通过" in str(e.value) and "sha256 不符" in str(e.value)
    assert snapshot(city) == ([], {})


def test_newer_revision_supersedes_and_older_after_newer_is_history(offices):
    police, city, out, _ = offices
    first = police.bundles[PERIOD].read_bytes()
    with police.store() as store:
        store.start_correction(PERIOD, "改正罚款")
        store.set_cell(PERIOD, "文学", "servers", 99)
        second = export_month(store, PERIOD, out, now=due_time(store.form, PERIOD, 1))
    with city.store() as store:
        assert import_file(store, second.path, trust_new=True).status == IMPORTED
        older = import_bundle(store, first, "第1版.zip")
        assert older.status == HISTORY and "仍以第2版为准" in older.message
        assert [r.revision for r in received(store)] == [1, 2]
        assert current_bundles(store, PERIOD)[next(iter(current_bundles(store, PERIOD)))] \
            .revision == 2
        assert combined_month(store, PERIOD).statistics["文学"]["servers"] is None  # own blank
        assert contribution_dicts(store, PERIOD)[0]["revision"] == 2
        assert contribution_dicts(store, PERIOD)[0]["statistics"]["文学"]["servers"] == 99


def test_in_order_newer_revision_says_it_replaces(offices):
    police, city, out, _ = offices
    with city.store() as store:
        import_file(store, police.bundles[PERIOD], trust_new=True)
    second = police_second_revision(police, out)
    with city.store() as store:
        outcome = import_file(store, second.path)
    assert outcome.status == IMPORTED and "取代第1版" in outcome.message


def test_a_revision_that_does_not_continue_the_ones_received_is_refused(offices, tmp_path):
    """The police office's database is copied after its first export, and each copy exports
    a second revision of its own: the city has one of them, so the other copy's third
    revision continues a second revision the city never received."""
    import shutil

    police, city, out, _ = offices
    first = police.bundles[PERIOD].read_bytes()
    twin = tmp_path / "twin"
    twin.mkdir()
    for path in police.db.parent.iterdir():  # the database with its key beside it
        if path.name.startswith("jianwang.db"):
            shutil.copy2(path, twin / path.name)

    def correct_and_export(db, reason, folder, days):
        folder.mkdir(exist_ok=True)
        with Store(db) as store:
            store.start_correction(PERIOD, reason)
            store.set_cell(PERIOD, "文学", "servers", days)
            return export_month(store, PERIOD, folder, now=due_time(store.form, PERIOD, days))

    seconds = correct_and_export(twin / "jianwang.db", "甲", tmp_path / "a", 1)
    second = correct_and_export(police.db, "乙", tmp_path / "b", 2)
    third = correct_and_export(police.db, "丙", tmp_path / "c", 3)
    fourth = correct_and_export(police.db, "丁", tmp_path / "d", 4)
    with city.store() as store:
        assert import_bundle(store, first, "第1版.zip", trust_new=True).status == IMPORTED
        assert import_file(store, seconds.path).status == IMPORTED
        before = snapshot(city)
        with pytest.raises(UserError) as e:
            import_file(store, third.path)
        assert "第3版与已收到的第2版接不上" in e.value.message
    assert snapshot(city) == before
    # The other way round: a newer revision first (the next one, or a later one, whose
    # changes.json lists the second), then the twin's second.
    for name, newer in (("other", third), ("last", fourth)):
        office = make_office(tmp_path / name, office_profile("绵阳市", "版权局"))
        with office.store() as store:
            import_bundle(store, first, "第1版.zip", trust_new=True)
            assert import_file(store, newer.path).status == IMPORTED
            with pytest.raises(UserError) as e:
                import_file(store, seconds.path)
            assert f"第2版与已收到的第{newer.revision}版接不上" in e.value.message
            assert [r.revision for r in received(store)] == [1, newer.revision]
            assert import_file(store, second.path).status == HISTORY  # the office's own


def test_known_office_with_a_new_key_needs_explicit_trust(offices, tmp_path):
    police, city, out, rng = offices
    with city.store() as store:
        import_file(store, police.bundles[PERIOD], trust_new=True)
    # 绵阳市公安局 reinstalled: new database folder, new key, same office
    again = make_office(tmp_path / "reinstalled", police.profile)
    path = fill_and_export(again, "2015-09", rng, out)
    with city.store() as store:
        with pytest.raises(UserError) as e:
            import_file(store, path, trust_new=True)
        assert "换了签名密钥" in str(e.value) and "trust add" in str(e.value)
        assert len(received(store)) == 1
        key = installation_public_key(again.db)
        store.trust_key(key.fingerprint, key.base64, "绵阳市公安局(新)", region="绵阳市",
                        department="公安局")
        assert import_file(store, path).status == IMPORTED


def test_a_key_of_another_office_is_refused(offices, tmp_path):
    police, city, out, rng = offices
    with city.store() as store:
        import_file(store, police.bundles[PERIOD], trust_new=True)
    # the same installation re-set as 网信办 signs with 公安局's key
    with police.store() as store:
        store.db.execute("UPDATE settings SET value = '网信办' WHERE key = 'department'")
        store.db.execute("UPDATE settings SET value = '绵阳市网信办' WHERE key = 'unit'")
    path = fill_and_export(police, "2015-09", rng, out)
    with city.store() as store:
        with pytest.raises(UserError) as e:
            import_file(store, path, trust_new=True)
    assert "绵阳市公安局的密钥" in str(e.value)


def test_bundles_not_addressed_to_this_office_are_refused(offices, tmp_path):
    police, city, out, rng = offices
    other = make_office(tmp_path, office_profile("德阳市", "公安局"))
    path = fill_and_export(other, PERIOD, rng, out)
    with city.store() as store:
        with pytest.raises(UserError) as e:
            import_file(store, path, trust_new=True)
    assert "不应报送绵阳市版权局" in str(e.value)
    with police.store() as store:  # a 公安局 receives nothing
        with pytest.raises(UserError):
            import_file(store, path, trust_new=True)


def test_city_export_validates_the_total_and_keeps_the_own_grid(offices):
    police, city, out, rng = offices
    with city.store() as store:
        import_file(store, police.bundles[PERIOD], trust_new=True)
        with pytest.raises(UserError) as e:  # own figures blank: the total is not complete
            export_month(store, PERIOD, out)
        assert "错误" in str(e.value)
        assert store.has_data(PERIOD) is False


def test_cli_import_status_city_totals_cases(offices, tmp_path):
    police, city, out, rng = offices
    r = run_cli("import", str(police.bundles[PERIOD]), db=city.db)
    assert r.returncode == 2 and "不在受信任列表中" in r.stderr.decode()
    r = run_cli("import", "--trust-new", str(police.bundles[PERIOD]), db=city.db)
    assert r.returncode == 0 and "已导入 绵阳市公安局" in r.stdout.decode()
    r = run_cli("import", str(police.bundles[PERIOD]), db=city.db)
    assert r.returncode == 0 and "已导入过" in r.stdout.decode()
    r = run_cli("city", "--month", PERIOD, db=city.db)
    text = r.stdout.decode()
    assert r.returncode == 0 and "公安局" in text and "尚未报送:网信办" in text
    with police.store() as store:  # the time as a clerk reads it, not an ISO stamp
        sent = datetime.fromisoformat(store.exports(PERIOD)[-1].created)
    assert f"第1版 {sent.astimezone(CHINA):%Y-%m-%d %H:%M:%S} 指纹" in text and "T17:" not in text
    r = run_cli("status", db=city.db)
    assert r.returncode == 0 and "公安局:第1版" in r.stdout.decode()
    r = run_cli("status", "--json", db=city.db)
    import json
    rows = json.loads(r.stdout.decode())
    assert rows[1]["departments"] == [{"department": "公安局", "revision": 1},
                                      {"department": "网信办", "revision": 0}]
    r = run_cli("totals", "--out", str(tmp_path / "figures.xlsx"), db=city.db)
    assert r.returncode == 0 and (tmp_path / "figures.xlsx").stat().st_size > 0
    assert "专项行动累计" in r.stdout.decode()
    r = run_cli("cases", "--month", PERIOD, db=city.db)
    assert r.returncode == 0 and "共 1 条案件" in r.stdout.decode()


def test_work_plan_and_summary_travel_as_signed_bundles_to_the_province(tmp_path):
    from jianwang_desktop.core.attachments import export_attachment
    from jianwang_desktop.core.verify import verify_file
    from province_fixture import PROVINCE

    out = tmp_path / "out"
    out.mkdir()
    city = make_office(tmp_path, office_profile("绵阳市", "版权局"))
    document = tmp_path / "绵阳市剑网2015工作总结.docx"
    document.write_bytes(b"PK\x03\x04 not really a docx, any bytes will do")
    with city.store() as store:
        first = export_attachment(store, "summary", document, out)
        document.write_bytes(b"second draft")
        second = export_attachment(store, "summary", document, out)
    assert first.path.name == "绵阳市-版权局-工作总结-第1版.zip" and second.revision == 2
    result = verify_file(second.path)
    assert result.ok, result.failures
    assert result.manifest["kind"] == "summary" and result.manifest["period"] == "2015-11"
    assert result.manifest["files"][0]["name"] == document.name
    province = make_office(tmp_path, PROVINCE)
    with province.store() as store:
        assert import_file(store, second.path, trust_new=True).status == IMPORTED
        assert import_file(store, first.path).status == HISTORY
        assert [r.revision for r in received(store, "summary")] == [1, 2]
        assert received(store) == []  # no month was received
        from datetime import date

        from jianwang_desktop.core.completeness import MISSING, documents
        from jianwang_desktop.core.receiving import Sender
        cells = documents(store, today=date(2015, 12, 1))
        mianyang = cells["summary"][Sender("绵阳市", "版权局")]
        assert mianyang.revision == 2 and mianyang.status != MISSING
        assert cells["work_plan"][Sender("绵阳市", "版权局")].status == MISSING
        assert cells["summary"][Sender("德阳市", "版权局")].status == MISSING
    with city.store() as store:  # a 版权局 does not receive work summaries
        with pytest.raises(UserError):
            import_file(store, first.path, trust_new=True)
    r = run_cli("attach", "--kind", "work_plan", str(document), "--out", str(out), db=city.db)
    assert r.returncode == 0 and "工作计划" in r.stdout.decode()
    plan = out / "绵阳市-版权局-工作计划-第1版.zip"
    assert verify_file(plan).ok
    assert run_cli("import", "--trust-new", str(plan), db=province.db).returncode == 0
    r = run_cli("status", db=province.db)
    assert "工作计划(7月20日截止):已收 1 / 22" in r.stdout.decode()
    assert "工作总结(11月25日截止):已收 1 / 22" in r.stdout.decode()


def exported_with_the_police_bundle(offices):
    """The city imports its 公安局's bundle, fills and exports the month; its total."""
    police, city, out, rng = offices
    with city.store() as store:
        import_file(store, police.bundles[PERIOD], trust_new=True)
    fill_and_export(city, PERIOD, rng, out)
    with city.store() as store:
        return combined_month(store, PERIOD).statistics


def test_printout_and_export_show_the_city_total_and_warn_when_it_is_stale(offices, qapp):
    from jianwang_desktop.gui.printing import print_source

    police, city, out, rng = offices
    total = exported_with_the_police_bundle(offices)
    with city.store() as store:
        assert print_source(store, PERIOD).month.statistics == total
        assert total["影视"]["filed"] == (city.grids[PERIOD]["影视"]["filed"]
                                          + police.grids[PERIOD]["影视"]["filed"])
    r = run_cli("city", "--month", PERIOD, db=city.db)
    assert "不一致" not in r.stdout.decode()
    second = police_second_revision(police, out)
    with city.store() as store:
        import_file(store, second.path)
    r = run_cli("city", "--month", PERIOD, db=city.db)
    assert "已导出的第1版合计与现在导入的部门数据不一致" in r.stdout.decode()


def test_verify_refuses_a_city_total_below_its_departments(offices, tmp_path):
    """A city bundle signed by a real key whose total is less than a contribution."""
    import json as _json

    from jianwang_desktop.core.bundle import build_bundle
    from jianwang_desktop.core.signing import installation_key
    from jianwang_desktop.core.verify import verify_bundle

    police, city, out, rng = offices
    fill_and_export(city, "2015-09", rng, out)  # gives the city a key and a complete month
    with city.store() as store:
        month = store.load_month("2015-09")
        police_grid = _json.loads(_json.dumps(police.grids[PERIOD], default=str))
        for row in police_grid.values():
            for key in ("fine", "involved"):
                row[key] = str(row[key])
        month.statistics["文学"]["filed"] = 0
        police_grid["文学"]["filed"] = 5
        bundle = build_bundle(store.form, store.profile(), month, revision=1, previous=None,
                              created=due_time(store.form, "2015-09"),
                              key=installation_key(city.db),
                              contributions=[{"department": "公安局", "unit": "绵阳市公安局",
                                              "revision": 1, "bundle_sha256": "0" * 64,
                                              "statistics": police_grid}])
    result = verify_bundle(bundle.content)
    assert any("小于各部门数字之和" in f for f in result.failures), result.failures


def test_a_department_bundle_arriving_after_the_city_export_says_the_export_is_stale(offices):
    """The clerk who exported the month and then imports a late 第2版 is told, in the
    import's own message, that the exported total lacks it and what to do."""
    police, city, out, rng = offices
    with city.store() as store:
        first = import_file(store, police.bundles[PERIOD], trust_new=True)
    assert "更正" not in first.message  # nothing exported yet: nothing to correct
    assert "2015年8月" in first.message and "2015-08" not in first.message
    fill_and_export(city, PERIOD, rng, out)
    second = police_second_revision(police, out)
    with city.store() as store:
        late = import_file(store, second.path)
    assert late.status == IMPORTED and "取代第1版" in late.message
    assert "已导出的2015年8月第1版" in late.message and "更正" in late.message
    with city.store() as store:
        again = import_file(store, second.path)  # the same file twice: still stale, no change
    assert again.status == DUPLICATE and "更正" not in again.message


def test_a_city_data_file_loads_back_as_the_office_s_own_figures(offices, tmp_path):
    """`导出数据文件` at a 市(州)版权局 writes the total (own + departments) with the
    departments' figures beside it; loading that file (a new computer, a rebuilt database)
    keeps the office's own figures, so the departments are not counted twice once their
    bundles are imported again."""
    police, city, out, rng = offices
    total = exported_with_the_police_bundle(offices)
    data_file = tmp_path / "city.json"
    assert run_cli("dump", "--month", PERIOD, "--out", str(data_file), db=city.db).returncode == 0
    again = make_office(tmp_path / "new-computer", city.profile)
    edited = json.loads(data_file.read_text("utf-8"))  # a department above the total
    edited["contributions"][0]["statistics"]["文学"]["filed"] = total["文学"]["filed"] + 1
    bad_file = tmp_path / "edited.json"
    bad_file.write_text(json.dumps(edited, ensure_ascii=False), "utf-8")
    r = run_cli("load", str(bad_file), db=again.db)
    assert r.returncode == 2 and "“文学”行的“行政立案数”合计小于各部门数字之和" in r.stderr.decode()
    with again.store() as store:
        assert not store.has_data(PERIOD)
    r = run_cli("load", str(data_file), db=again.db)
    assert r.returncode == 0, r.stderr.decode()
    with again.store() as store:
        assert store.load_month(PERIOD).statistics == city.grids[PERIOD]
        import_file(store, police.bundles[PERIOD], trust_new=True)
        assert combined_month(store, PERIOD).statistics == total
