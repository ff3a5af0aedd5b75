"""Item 4 of issue 8: a write that fails (disk full, read-only, locked) says so in Chinese,
is rolled back whole, and loses nothing already stored.

Tests run as root, for whom chmod does not stop a write; the failures are produced the way
SQLite itself reports them: a connection opened with ?mode=ro, PRAGMA max_page_count (the
SQLITE_FULL a full disk gives), and a second connection holding the write lock.
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlite_utils import Database

from jianwang_desktop.core.errors import UserError
from jianwang_desktop.core.sqlerrors import user_error_for
from sample_data import sample_case, sample_month

import dbcontent


@pytest.fixture
def filled(store):
    store.replace_month(sample_month(store.form))
    return store


def big_case(store, i):
    case = sample_case(store.form, i)
    case.summary = "案情" * 2000
    return case


def assert_refused_and_kept(store, action, *words):
    before = dbcontent.full_dump(store.path)
    with pytest.raises(UserError) as e:
        action()
    message = str(e.value)
    for word in words:
        assert word in message
    assert "没有保存" in message and "Traceback" not in message
    assert not store.db.conn.in_transaction
    assert dbcontent.full_dump(store.path) == before
    return message


def test_disk_full_rolls_back_the_whole_action(filled):
    store = filled
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages + 2}")
    month = sample_month(store.form, cases=200)
    for case in month.cases:
        case.summary = "案情" * 300

    def paste_a_big_month():
        store.replace_month(month)

    message = assert_refused_and_kept(store, paste_a_big_month, "磁盘空间已满", "清理磁盘空间")
    assert str(store.path) in message
    # Space again: the same store goes on working.
    store.db.execute("PRAGMA max_page_count = 1073741823")
    store.add_case("2015-09", big_case(store, 1))
    assert len(store.load_cases("2015-09")) == 1


def test_read_only_database(filled):
    store = filled
    uri = f"{store.path.resolve().as_uri()}?mode=ro"
    store.db.close()
    store.db = Database(sqlite3.connect(uri, uri=True))
    assert_refused_and_kept(store, lambda: store.set_cell("2015-08", "文学", "filed", 99),
                            "只读", "写入权限")
    assert_refused_and_kept(store, lambda: store.add_case("2015-08", big_case(store, 9)), "只读")
    assert store.load_grid("2015-08") == sample_month(store.form).statistics


def test_locked_by_another_program(filled):
    store = filled
    store.db.execute("PRAGMA busy_timeout = 0")
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        case = store.load_cases("2015-08")[0]
        case.remarks = "改了"
        assert_refused_and_kept(store, lambda: store.update_case("2015-08", case),
                                "另一个程序", "关闭")
    finally:
        other.execute("ROLLBACK")
        other.close()
    store.update_case("2015-08", case)
    assert store.load_case(case.id).remarks == "改了"


def test_a_bug_is_not_disguised_as_a_disk_problem(store):
    with pytest.raises(sqlite3.IntegrityError):
        with store.transaction() as db:
            db.execute("INSERT INTO statistics VALUES ('剑网2015', '2015-08', '文学', 'filed', NULL)")


@pytest.mark.parametrize("name, words", [
    ("SQLITE_IOERR_WRITE", "磁盘出错"),
    ("SQLITE_CORRUPT", "已损坏"),
    ("SQLITE_CANTOPEN", "只读"),
    ("SQLITE_LOCKED", "占用"),
    ("SQLITE_SOMETHING_NEW", "出错"),
])
def test_every_kind_of_failure_has_a_message(tmp_path, name, words):
    error = sqlite3.OperationalError("x")
    error.sqlite_errorname = name
    message = str(user_error_for(error, tmp_path / "a.db"))
    assert words in message and "没有保存" in message


def test_without_error_codes_the_message_text_decides(tmp_path):
    """Python 3.10 has no sqlite_errorname; SQLite's own wording is the fallback."""
    error = sqlite3.OperationalError("database or disk is full")
    assert "磁盘空间已满" in str(user_error_for(error, tmp_path / "a.db"))
