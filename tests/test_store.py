import sqlite3
from decimal import Decimal

import pytest

from jianwang_desktop.core.errors import UserError
from jianwang_desktop.core.migrations import SCHEMA_VERSION
from jianwang_desktop.core.records import CaseRecord
from jianwang_desktop.core.store import Store
from sample_data import sample_case, sample_month

from conftest import MIANYANG


def test_profile_round_trip(store, db_path):
    store.close()
    with Store(db_path) as again:
        assert again.profile() == MIANYANG
        assert again.form.campaign == "剑网2015"


def test_bad_profile_is_refused_and_old_one_kept(store):
    bad = MIANYANG.__class__("绵阳市", "版权局", "绵阳市版权局", "张三", "12345")
    with pytest.raises(UserError) as e:
        store.set_profile(bad)
    assert "联系电话" in str(e.value)
    assert store.profile() == MIANYANG


def test_cells_keep_blank_zero_and_exact_amounts(store, db_path):
    store.set_cell("2015-08", "文学", "fine", "12.30")
    store.set_cell("2015-08", "文学", "filed", 0)
    store.close()
    with Store(db_path) as again:
        grid = again.load_grid("2015-08")
    assert grid["文学"]["fine"] == Decimal("12.30") and str(grid["文学"]["fine"]) == "12.30"
    assert grid["文学"]["filed"] == 0
    assert grid["文学"]["closed"] is None


def test_a_bad_cell_in_a_paste_writes_nothing(store):
    store.set_cell("2015-08", "音乐", "filed", 5)
    with pytest.raises(Exception):
        store.set_cells("2015-08", {("音乐", "filed"): 7, ("音乐", "fine"): "-3"})
    assert store.load_grid("2015-08")["音乐"]["filed"] == 5


def test_month_outside_the_campaign_is_refused(store):
    with pytest.raises(UserError) as e:
        store.set_cell("2016-01", "文学", "filed", 1)
    assert "不在" in str(e.value)


def test_cases_get_stable_unique_numbers(store):
    a = store.add_case("2015-08", CaseRecord(name="甲"))
    b = store.add_case("2015-08", CaseRecord(name="乙"))
    assert (a.number, b.number) == ("201508-001", "201508-002")
    store.delete_case("2015-08", a.id)
    c = store.add_case("2015-08", CaseRecord(name="丙"))
    assert c.number == "201508-003"
    with pytest.raises(UserError) as e:
        store.add_case("2015-08", CaseRecord(number="201508-002", name="丁"))
    assert "编号" in str(e.value)
    assert [x.name for x in store.load_cases("2015-08")] == ["乙", "丙"]


def test_cases_read_with_equal_figures_share_one_read_only_mapping(store):
    """A register of 100,000 cases is held in memory: equal figures are held once. The
    shared mapping refuses changes, so that changing one case cannot change another; an
    edit works on a copy."""
    other = sample_case(store.form, 3)
    other.measures["fine"] = Decimal("2.5")
    store.replace_month(sample_month(store.form, cases=2))
    store.add_case("2015-08", other)
    first, second, third = store.load_cases("2015-08")
    assert first.measures is second.measures
    assert third.measures is not first.measures
    assert third.measures["fine"] == Decimal("2.5") and first.measures["fine"] == Decimal("0.5")
    with pytest.raises(TypeError):
        first.measures["fine"] = Decimal(9)  # type: ignore[index]
    edited = first.copy()
    edited.measures["fine"] = Decimal(9)
    store.update_case("2015-08", edited)
    again = store.load_cases("2015-08")
    assert [c.measures["fine"] for c in again] == [Decimal(9), Decimal("0.5"), Decimal("2.5")]
    assert again[0] == edited and again[1].measures == {**edited.measures, "fine": Decimal("0.5")}


def test_update_case_keeps_every_character(store):
    case = store.add_case("2015-08", sample_case(store.form, 1))
    case.summary = "  =SUM(A1)\r\n第二行 𠮷\t末尾空格 "
    store.update_case("2015-08", case)
    assert store.load_case(case.id).summary == case.summary


def test_replace_month_is_all_or_nothing(store):
    month = sample_month(store.form)
    store.replace_month(month)
    broken = sample_month(store.form, cases=2)
    broken.statistics["文学"]["filed"] = "x"
    with pytest.raises(Exception):
        store.replace_month(broken)
    again = store.load_month("2015-08")
    assert len(again.cases) == 3 and again.statistics == month.statistics


def test_wal_and_foreign_keys(store):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_newer_database_is_refused_and_not_touched(db_path):
    Store(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                 "VALUES ('jianwang', 'm999_future', '2030-01-01')")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(UserError) as e:
        Store(db_path)
    assert "更新版本" in str(e.value)
    assert db_path.read_bytes() == before


def test_a_file_that_is_not_a_database_is_left_alone(db_path):
    db_path.write_bytes(b"this is a spreadsheet, not a database" * 100)
    before = db_path.read_bytes()
    with pytest.raises(UserError) as e:
        Store(db_path)
    assert "不是本程序的数据库" in str(e.value)
    assert db_path.read_bytes() == before


def test_someone_elses_sqlite_file_is_left_alone(db_path):
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE accounts (id INTEGER)")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(UserError):
        Store(db_path)
    assert db_path.read_bytes() == before
