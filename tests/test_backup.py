"""Item 2 of issue 8: automatic and requested backups, restore, and damaged files."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime

import pytest

from jianwang_desktop.core import backup, migrations
from jianwang_desktop.core.errors import UserError
from jianwang_desktop.core.store import Store
from sample_data import sample_case

import dbcontent
from conftest import MIANYANG, run_cli


def fill(db_path, name="甲") -> None:
    with Store(db_path) as s:
        if s.profile() is None:
            s.set_profile(MIANYANG)
        s.add_case("2015-08", _case(s, name))


def _case(store, name):
    case = sample_case(store.form, 1)
    case.number = ""
    case.name = name
    return case


def case_names(db_path) -> list[str]:
    return [row[5] for row in dbcontent.state(db_path)["cases"]]


class Clock:
    """backup.datetime with a settable now(): days pass without waiting for them."""

    def __init__(self, monkeypatch, when: datetime):
        self.when = when
        clock = self

        class Frozen(datetime):
            @classmethod
            def now(cls, tz=None):
                return clock.when

        monkeypatch.setattr(backup, "datetime", Frozen)


def test_first_open_of_each_day_makes_one_daily_copy(db_path, monkeypatch):
    clock = Clock(monkeypatch, datetime(2015, 8, 3, 9, 0, 0))
    fill(db_path)  # creates the file: nothing to back up yet
    assert backup.list_backups(db_path) == []
    fill(db_path, "乙")  # second open that day: the first daily copy
    clock.when = datetime(2015, 8, 3, 17, 30, 0)
    fill(db_path, "丙")
    daily = backup.list_backups(db_path)
    assert [(b.reason, b.when) for b in daily] == [("daily", "2015-08-03 09:00:00")]
    assert daily[0].name == "jianwang-2015-08-03-090000-daily.db"
    assert case_names(daily[0].path) == ["甲"]  # taken on opening, before that day's edits
    clock.when = datetime(2015, 8, 4, 8, 0, 0)
    with Store(db_path):
        pass
    newest = backup.newest_backup(db_path)
    assert newest.when == "2015-08-04 08:00:00"
    assert case_names(newest.path) == ["甲", "乙", "丙"]


def test_backup_now_copies_committed_data_of_an_open_wal_database(store, db_path):
    store.add_case("2015-08", _case(store, "已保存"))
    made = backup.backup_now(store, "correction")
    assert made.reason == "correction" and made.label == "更正前"
    assert case_names(made.path) == ["已保存"]
    assert dbcontent.integrity(made.path) == ["ok"]
    # A self-contained file: no -wal beside it that a copy could leave behind.
    assert not made.path.with_name(made.name + "-wal").exists()
    assert not list(made.path.parent.glob(".*partial"))


def test_only_the_newest_n_are_kept(store, db_path, monkeypatch):
    clock = Clock(monkeypatch, datetime(2015, 8, 3, 9, 0, 0))
    store.set_setting(backup.KEEP_SETTING, "3")
    names = []
    for minute in range(5):
        clock.when = datetime(2015, 8, 3, 9, minute, 0)
        names.append(backup.backup_now(store).name)
    assert [b.name for b in backup.list_backups(db_path)] == names[::-1][:3]


def test_a_file_named_like_a_backup_with_an_impossible_date_is_left_alone(store, db_path,
                                                                         monkeypatch):
    """Someone's copy with a made-up name (month 13) once stopped every start with a
    traceback; it is not one of ours: not listed, not pruned, the database opens."""
    Clock(monkeypatch, datetime(2015, 8, 3, 9, 0, 0))
    made = backup.backup_now(store)
    odd = backup.backup_folder(db_path) / made.name.replace("2015-08-03", "2015-13-01")
    odd.write_bytes(made.path.read_bytes())
    store.set_setting(backup.KEEP_SETTING, "1")
    assert backup.list_backups(db_path) == [made]
    backup.backup_now(store)  # prunes to one: the odd file is not ours to delete
    assert odd.exists()
    store.close()
    with Store(db_path) as again:
        assert again.profile() == MIANYANG


def test_two_copies_in_one_second_get_distinct_names(store, db_path, monkeypatch):
    Clock(monkeypatch, datetime(2015, 8, 3, 9, 0, 0))
    first, second = backup.backup_now(store), backup.backup_now(store)
    assert first.path != second.path and first.path.exists() and second.path.exists()
    assert backup.list_backups(db_path)[0] == second


def test_copies_in_one_second_keep_distinct_names_after_pruning(store, db_path, monkeypatch):
    """The next number after the highest of that second, not after how many are left: once
    the first had been pruned, a fourth copy took the third's name and replaced it."""
    Clock(monkeypatch, datetime(2015, 8, 3, 9, 0, 0))
    store.set_setting(backup.KEEP_SETTING, "2")
    made = []
    for i in range(4):
        store.set_cell("2015-08", "音乐", "filed", i)
        made.append(backup.backup_now(store))
    assert len({b.name for b in made}) == 4
    assert backup.list_backups(db_path) == made[:1:-1]
    with Store(made[2].path) as third:
        assert third.load_grid("2015-08")["音乐"]["filed"] == 2


def test_a_copy_is_made_before_a_migration(db_path, monkeypatch):
    fill(db_path, "升级前")

    def m999_extra_table(db):
        db.execute("CREATE TABLE extra (x TEXT)")

    monkeypatch.setattr(migrations.migrations, "_migrations", list(migrations.migrations._migrations))
    migrations.migrations()(m999_extra_table)
    with Store(db_path) as upgraded:
        assert upgraded.db["extra"].exists()
    before = [b for b in backup.list_backups(db_path) if b.reason == "migration"]
    assert len(before) == 1 and before[0].label == "升级数据库前"
    old = sqlite3.connect(before[0].path)
    assert old.execute("SELECT 1 FROM sqlite_master WHERE name = 'extra'").fetchone() is None
    old.close()
    assert case_names(before[0].path) == ["升级前"]


def test_no_migration_without_its_copy(db_path, monkeypatch):
    fill(db_path)
    (db_path.parent / backup.FOLDER).write_text("a file where the folder should be")
    monkeypatch.setattr(migrations.migrations, "_migrations", list(migrations.migrations._migrations))

    @migrations.migrations()
    def m999_extra_table(db):
        db.execute("CREATE TABLE extra (x TEXT)")

    before = dbcontent.full_dump(db_path)
    with pytest.raises(UserError) as e:
        Store(db_path)
    assert "升级前必须先备份" in str(e.value) and "无法创建备份文件夹" in str(e.value)
    assert dbcontent.full_dump(db_path) == before


def test_damaged_file_is_refused_untouched_and_the_newest_backup_offered(db_path):
    fill(db_path)
    with Store(db_path) as s:
        newest = backup.backup_now(s)
    db_path.write_bytes(b"this is not a database " * 200)
    garbage = db_path.read_bytes()
    with pytest.raises(UserError) as e:
        Store(db_path)
    message = str(e.value)
    assert newest.name in message and newest.when in message
    assert f"backup restore {newest.name}" in message
    assert db_path.read_bytes() == garbage


def test_a_truncated_database_is_detected(db_path):
    with Store(db_path) as s:
        s.set_profile(MIANYANG)
        for i in range(60):
            s.add_case("2015-08", _case(s, f"案件{i}"))
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 2])
    with pytest.raises(UserError) as e:
        Store(db_path)
    assert "损坏" in str(e.value) and "没有这个数据库的备份" in str(e.value)
    assert db_path.read_bytes() == data[: len(data) // 2]


def test_cli_restore_brings_back_a_backup_and_keeps_the_current_data(db_path):
    fill(db_path, "原来的")
    listing = run_cli("backup", "list", db=db_path)
    assert listing.returncode == 0 and "还没有备份" in listing.stdout.decode()
    made = run_cli("backup", "now", db=db_path)
    assert made.returncode == 0, made.stderr.decode()
    kept = backup.newest_backup(db_path)
    fill(db_path, "后来的")
    listing = run_cli("backup", "list", db=db_path).stdout.decode()
    assert kept.name in listing and "手动备份" in listing
    done = run_cli("backup", "restore", kept.name, db=db_path)
    assert done.returncode == 0, done.stderr.decode()
    assert case_names(db_path) == ["原来的"]
    safety = [b for b in backup.list_backups(db_path) if b.reason == "restore"]
    assert len(safety) == 1 and safety[0].name in done.stdout.decode()
    assert case_names(safety[0].path) == ["原来的", "后来的"]
    with Store(db_path) as again:
        assert again.profile() == MIANYANG


def test_restore_refuses_while_the_database_is_open(store, db_path):
    store.add_case("2015-08", _case(store, "甲"))
    backup.backup_now(store)
    store.add_case("2015-08", _case(store, "乙"))
    before = dbcontent.full_dump(db_path)
    with pytest.raises(UserError) as e:
        backup.restore(db_path)
    assert "正被另一个程序" in str(e.value)
    assert dbcontent.full_dump(db_path) == before
    assert [b.reason for b in backup.list_backups(db_path)] == ["manual"]


def test_restore_over_a_damaged_file_sets_it_aside(db_path):
    fill(db_path, "好的")
    with Store(db_path) as s:
        backup.backup_now(s)
    db_path.write_bytes(b"\x00garbage" * 500)
    result = run_cli("backup", "restore", db=db_path)
    assert result.returncode == 0, result.stderr.decode()
    aside = list(db_path.parent.glob("jianwang.db.damaged-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == b"\x00garbage" * 500
    assert aside[0].name in result.stdout.decode()
    assert case_names(db_path) == ["好的"]


def test_restore_refuses_a_damaged_backup(store, db_path):
    made = backup.backup_now(store)
    made.path.write_bytes(b"broken")
    before = dbcontent.full_dump(db_path)
    store.close()
    with pytest.raises(UserError) as e:
        backup.restore(db_path, made.name)
    assert "已损坏" in str(e.value)
    assert dbcontent.full_dump(db_path) == before


def test_restore_without_backups_or_with_an_unknown_name(db_path):
    fill(db_path)
    result = run_cli("backup", "restore", db=db_path)
    assert result.returncode == 2 and "没有找到" in result.stderr.decode()
    with Store(db_path) as s:
        backup.backup_now(s)
    result = run_cli("backup", "restore", "nonexistent.db", db=db_path)
    assert result.returncode == 2 and "没有名为 nonexistent.db 的备份" in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


def test_a_failed_daily_copy_does_not_lock_the_clerk_out(db_path, caplog):
    fill(db_path)
    (db_path.parent / backup.FOLDER).write_text("a file where the folder should be")
    with Store(db_path) as s:
        s.add_case("2015-08", _case(s, "照常保存"))
    assert "daily backup failed" in caplog.text
    assert case_names(db_path) == ["甲", "照常保存"]


def test_copies_cut_short_by_a_crash_are_cleared_once_stale(store, db_path):
    folder = backup.backup_folder(db_path)
    folder.mkdir()
    stale, fresh = folder / ".jianwang-old.db.partial", folder / ".jianwang-new.db.partial"
    for path in (stale, fresh):
        path.write_bytes(b"half a copy")
    old = datetime.now().timestamp() - backup.STALE_PARTIAL_SECONDS - 60
    os.utime(stale, (old, old))
    backup.backup_now(store)
    assert not stale.exists() and fresh.exists()
    assert len(backup.list_backups(db_path)) == 1


def test_replacing_a_month_by_an_import_backs_it_up_first(store, db_path, tmp_path):
    from jianwang_desktop.core.interchange import dump_month, load_into_store

    store.add_case("2015-08", _case(store, "原来的"))
    data = dump_month(store, "2015-08").replace("原来的", "导入的")
    load_into_store(store, data.replace("2015-08", "2015-09").encode(), replace=True)
    assert backup.list_backups(db_path) == []  # an empty month: nothing to keep
    load_into_store(store, data.encode(), replace=True)
    made = backup.list_backups(db_path)
    assert [(b.reason, b.label) for b in made] == [("import", "导入替换2015年8月前")]
    assert case_names(made[0].path) == ["原来的", "导入的"]  # August as it was, and September
    assert [c.name for c in store.load_cases("2015-08")] == ["导入的"]

    # The command line too: one backup per replace.
    source = tmp_path / "八月.json"
    source.write_text(data.replace("导入的", "命令行导入的"), "utf-8")
    store.close()
    done = run_cli("load", str(source), "--replace", db=db_path)
    assert done.returncode == 0, done.stderr.decode()
    imports = [b for b in backup.list_backups(db_path) if b.reason == "import"]
    assert len(imports) == 2 and "导入的" in case_names(imports[0].path)
    # and it says which backup holds the month as it was
    assert (f"替换前的数据已备份为 {imports[0].name}(导入替换2015年8月前);"
            f"需要时用 jianwang --db \"{db_path}\" backup restore {imports[0].name} 恢复。"
            ) in done.stdout.decode()


def test_no_replace_by_an_import_without_its_backup(store, db_path):
    from jianwang_desktop.core.interchange import dump_month, load_into_store

    store.add_case("2015-08", _case(store, "原来的"))
    raw = dump_month(store, "2015-08").replace("原来的", "导入的").encode()
    backup.backup_folder(db_path).write_text("不是文件夹")  # no backup can be written
    before = dbcontent.state(db_path)
    with pytest.raises(UserError) as refused:
        load_into_store(store, raw, replace=True)
    assert "备份没有成功" in refused.value.message and "没有导入" in refused.value.message
    assert dbcontent.state(db_path) == before


def test_a_burst_of_imports_does_not_push_out_the_newest_daily_copy(store, db_path, monkeypatch):
    """The copy of how the data stood at the day's first start is the one to go back to when
    a day's imports went wrong: copies made on events, however many, leave it (the newest
    `backup_keep` copies are kept, and the newest daily copy besides)."""
    from jianwang_desktop.core.interchange import dump_month, load_into_store

    clock = Clock(monkeypatch, datetime(2015, 8, 3, 9, 0, 0))
    store.add_case("2015-08", _case(store, "早上的"))
    store.set_setting(backup.KEEP_SETTING, "3")
    store.close()
    with Store(db_path) as again:  # the day's first start: its daily copy
        daily = [b for b in backup.list_backups(db_path) if b.reason == "daily"]
        assert len(daily) == 1 and case_names(daily[0].path) == ["早上的"]
        data = dump_month(again, "2015-08")
        for minute in range(1, 6):  # five wrong files in a row
            clock.when = datetime(2015, 8, 3, 9, minute, 0)
            load_into_store(again, data.replace("早上的", f"错的{minute}").encode(), replace=True)
    kept = backup.list_backups(db_path)
    assert [b.reason for b in kept] == ["import"] * 3 + ["daily"]
    assert kept[-1] == daily[0] and case_names(kept[-1].path) == ["早上的"]
    # Once a newer daily copy exists, the older one goes as any copy past the newest three.
    clock.when = datetime(2015, 8, 4, 9, 0, 0)
    with Store(db_path):
        pass
    assert [b.reason for b in backup.list_backups(db_path)] == ["daily"] + ["import"] * 2
