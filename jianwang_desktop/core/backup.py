"""Copies of the database in a `backups/` folder beside it, and restoring one.

Copies are made with SQLite's online backup API (a consistent snapshot even while the
file is open in WAL mode, which a file copy is not): automatically the first time the
database is opened each day, before every schema migration, before a month is replaced
by an imported data file, and on request (`backup_now`, e.g. before a 更正). A copy is
written under a temporary name and renamed when complete, so a crash never leaves a half
copy with a real name. The newest N are kept (setting `backup_keep`, default 30), and
the newest daily copy besides.
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import NamedTuple, TYPE_CHECKING

from .errors import UserError, os_reason
from .sqlerrors import is_busy, user_error_for, write_errors_as_user_errors

if TYPE_CHECKING:
    from sqlite_utils import Database

    from .store import Store

FOLDER = "backups"
DEFAULT_KEEP = 30
KEEP_SETTING = "backup_keep"
REASONS = {
    "daily": "每日自动备份",
    "migration": "升级数据库前",
    "correction": "更正前",
    "import": "导入替换前",
    "manual": "手动备份",
    "restore": "恢复备份前",
}
_STAMP = "%Y-%m-%d-%H%M%S"
# A copy made for one month (an import replacing it, its 更正) ends in that month: -import-2015-08.
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{4}-\d{2}-\d{2}-\d{6})(?:-(?P<seq>\d+))?"
                   r"-(?P<reason>[a-z]+)(?:-(?P<period>\d{4}-\d{2}))?\.db$")


def reason_label(reason: str, period: str = "") -> str:
    """Why a backup was made, as the list and the questions name it; for one month, which:
    导入替换2015年8月前, so that a clerk who replaced several months can tell their copies
    apart."""
    label = REASONS.get(reason, reason)
    if period and label.endswith("前"):
        year, month = period.split("-")
        label = f"{label[:-1]}{year}年{int(month)}月前"
    return label


class BackupInfo(NamedTuple):
    """A copy of the database in backups/: when it was taken and why (daily, migration, 更正…)."""
    path: Path
    taken: datetime
    reason: str
    period: str = ""  # the month it was made for (an import replacing it, its 更正), if one

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def label(self) -> str:
        return reason_label(self.reason, self.period)

    @property
    def when(self) -> str:
        return self.taken.strftime("%Y-%m-%d %H:%M:%S")

    def describe(self) -> str:
        size = self.path.stat().st_size if self.path.exists() else 0
        return f"{self.name}  {self.when}  {self.label}  {max(1, size // 1024)} KB"


def backup_folder(db_path: Path) -> Path:
    return Path(db_path).parent / FOLDER


def list_backups(db_path: Path) -> list[BackupInfo]:
    """The backups of this database file, newest first."""
    folder = backup_folder(db_path)
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if not match or match["stem"] != Path(db_path).stem or not entry.is_file():
            continue
        try:
            taken = _taken(match["stamp"])
        except ValueError:  # e.g. month 13: not a copy this program made; left alone
            continue
        found.append((taken, int(match["seq"] or 1), BackupInfo(entry, taken, match["reason"],
                                                                     match["period"] or "")))
    found.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [info for _, _, info in found]


def _taken(stamp: str) -> datetime:
    """`_STAMP`'s digits as a datetime, as strptime reads them (an impossible date or time
    is a ValueError in both): listed at every start, where the first strptime call would
    cost a few ms importing _strptime, locale and calendar and building its patterns."""
    return datetime(int(stamp[0:4]), int(stamp[5:7]), int(stamp[8:10]),
                    int(stamp[11:13]), int(stamp[13:15]), int(stamp[15:17]))


def newest_backup(db_path: Path) -> BackupInfo | None:
    backups = list_backups(db_path)
    return backups[0] if backups else None


# ---------------------------------------------------------------- making copies


def _keep_count(conn: sqlite3.Connection) -> int:
    try:
        row = conn.execute("SELECT value FROM settings WHERE key = ?", [KEEP_SETTING]).fetchone()
    except sqlite3.DatabaseError:
        return DEFAULT_KEEP  # before the first migration there is no settings table
    try:
        return max(1, int(row[0])) if row else DEFAULT_KEEP
    except ValueError:
        return DEFAULT_KEEP


def _free_name(db_path: Path, reason: str, now: datetime, period: str = "") -> Path:
    """stem-date-time-reason[-period].db; a second copy within the same second gets -2, -3, ...
    (after the highest of that second: one of them may have been pruned)."""
    base = f"{Path(db_path).stem}-{now.strftime(_STAMP)}"
    same_second = [int(_NAME.match(b.name)["seq"] or 1)
                   for b in list_backups(db_path) if b.taken == now]
    seq = f"-{max(same_second) + 1}" if same_second else ""
    return backup_folder(db_path) / f"{base}{seq}-{reason}{'-' + period if period else ''}.db"


def copy_database(conn: sqlite3.Connection, db_path: Path, reason: str,
                  prune: bool = True, period: str = "") -> BackupInfo:
    """Snapshot the database behind `conn` into the backups folder; prune old copies."""
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    if not re.fullmatch(r"\d{4}-\d{2}", period):
        period = ""  # a name list_backups would not read: the copy unnamed for its month
    folder = backup_folder(db_path)
    now = datetime.now().replace(microsecond=0)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(f"无法创建备份文件夹 {folder}:{os_reason(e)}") from None
    final = _free_name(db_path, reason, now, period)
    partial = final.with_name("." + final.name + ".partial")
    try:
        target = sqlite3.connect(partial)
        try:
            conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            target.close()
        os.replace(partial, final)
    except sqlite3.DatabaseError as e:
        partial.unlink(missing_ok=True)
        raise user_error_for(e, partial, "备份没有完成,数据库本身没有改动。") from None
    except OSError as e:
        partial.unlink(missing_ok=True)
        raise UserError(f"无法写入备份 {final}:{os_reason(e)}。数据库本身没有改动。") from None
    if prune:
        _prune(db_path, _keep_count(conn))
    return BackupInfo(final, now, reason, period)


STALE_PARTIAL_SECONDS = 3600


def _prune(db_path: Path, keep: int) -> None:
    # A copy cut short by a crash stays a hidden .partial file; clear those that are old
    # enough not to be another process's copy in progress.
    cutoff = datetime.now().timestamp() - STALE_PARTIAL_SECONDS
    for partial in backup_folder(db_path).glob(f".{Path(db_path).stem}-*.partial"):
        try:
            if partial.stat().st_mtime < cutoff:
                partial.unlink()
        except OSError:
            pass
    backups = list_backups(db_path)
    # The newest daily copy (the data as the day began) is kept besides: a burst of copies
    # made on events (imports replacing months, restores) must not push it out.
    newest_daily = next((b for b in backups if b.reason == "daily"), None)
    for old in backups[keep:]:
        if old == newest_daily:
            continue
        try:
            old.path.unlink()
        except OSError as e:  # a copy we cannot delete is harmless; the next prune retries
            _warn("cannot remove old backup %s: %s", old.path, e)


def backup_now(store: "Store", reason: str = "manual", period: str = "") -> BackupInfo:
    """A copy of the open store's database now (before a 更正, or on request); `period`:
    the month it is made for, named in the file and the label."""
    return copy_database(store.db.conn, store.path, reason, period=period)


def on_open(db: "Database", db_path: Path, migrating: bool) -> None:
    """Called by the store when it opens an existing file, before any migration runs.

    The copy before a migration is required: if it cannot be made, the file is not
    upgraded. The daily copy is best effort: failing it must not lock a clerk out.
    """
    if migrating:
        try:
            copy_database(db.conn, db_path, "migration")
        except UserError as e:
            raise UserError("这个版本需要升级数据库结构,升级前必须先备份,但备份没有成功;"
                            "数据库没有升级,也没有任何改动。", [e.message, *e.details]) from None
    today = datetime.now().date()
    if any(b.reason == "daily" and b.taken.date() == today for b in list_backups(db_path)):
        return
    try:
        copy_database(db.conn, db_path, "daily")
    except UserError as e:
        _warn("daily backup failed: %s", e)


def _warn(message: str, *args) -> None:
    import logging  # only when a copy fails: the command line need not load it otherwise

    logging.getLogger(__name__).warning(message, *args)


# ---------------------------------------------------------------- damaged files


class DamagedDatabase(UserError):
    """The file at the database path is damaged or not a database: offer a backup."""



def restore_command(db_path: Path, name: str) -> str:
    """The command that restores backup `name` over the database at db_path."""
    return f"jianwang --db \"{db_path}\" backup restore {name}"


def damaged_file_advice(db_path: Path) -> list[str]:
    """What to tell the user when the file at db_path is not a usable database."""
    newest = newest_backup(db_path)
    if newest is None:
        return [f"备份文件夹 {backup_folder(db_path)} 里没有这个数据库的备份。"
                "请确认文件路径,或用 --db 指定另一个数据库文件。"]
    return [
        f"最近的备份是 {newest.name}({newest.when},{newest.label})。",
        f"恢复这个备份请运行:{restore_command(db_path, newest.name)}",
        "恢复前,损坏的文件会被改名保留在原文件夹,不会被覆盖。",
    ]


def _is_healthy(db_path: Path) -> bool:
    """False for a damaged or foreign-format file; busy or unreadable is raised, not guessed."""
    # Read-write on purpose: a file left by a crash may need its WAL recovered first.
    conn = sqlite3.connect(db_path, timeout=5)
    try:
        return conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError as e:
        if type(e) is sqlite3.OperationalError:
            raise
        return False
    finally:
        conn.close()


def check_backup(info: BackupInfo) -> None:
    """Refuse (UserError) a copy that is damaged or not a database of this program."""
    try:
        conn = sqlite3.connect(f"{info.path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            ours = conn.execute("SELECT 1 FROM sqlite_master WHERE name = '_sqlite_migrations'"
                                ).fetchone() is not None
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        ok = ours = False
    if not (ok and ours):
        raise UserError(f"备份 {info.name} 已损坏或不是本程序的数据库,不能用来恢复。",
                        ["请用 jianwang backup list 选一个更早的备份。"])


def _set_aside(db_path: Path) -> Path:
    """Rename a damaged file (and its journal files) out of the way; never delete it."""
    stamp = datetime.now().strftime(_STAMP)
    aside = db_path.with_name(f"{db_path.name}.damaged-{stamp}")
    try:
        for suffix in ("-wal", "-shm", "-journal"):
            extra = db_path.with_name(db_path.name + suffix)
            if extra.exists():
                os.replace(extra, aside.with_name(aside.name + suffix))
        os.replace(db_path, aside)
    except OSError as e:
        raise UserError(f"无法把损坏的文件 {db_path} 改名保留:{os_reason(e)}。没有恢复。",
                        ["请关闭正在使用这个文件的程序后再试。"]) from None
    return aside


def _claim(conn: sqlite3.Connection, db_path: Path) -> None:
    """Refuse if another connection has the file open: leaving WAL mode needs it alone."""
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
    except sqlite3.OperationalError as e:
        if not is_busy(e):
            raise
        raise UserError(f"数据库 {db_path} 正被另一个程序(或另一个剑网填报窗口)打开,没有恢复。",
                        ["请先关闭剑网填报的其他窗口和其他使用这个文件的程序,再运行恢复。"]) from None


def exports_after(conn: sqlite3.Connection, info: BackupInfo,
                  campaign: str) -> list[tuple[str, int]]:
    """(period, revision) of the campaign's bundles the open database records as exported
    and the backup does not: restoring it forgets them, unlocks those months, and their
    next export would repeat a revision already sent."""
    return _rows_since(conn, info, "SELECT period, revision FROM exports WHERE campaign = ?",
                       [campaign])


def received_after(conn: sqlite3.Connection, info: BackupInfo,
                   campaign: str) -> list[tuple[str, str, int]]:
    """(period, unit, revision) of the bundles received (a department's, a 市(州)'s) that
    the open database holds and the backup does not: restoring it forgets them."""
    rows = _rows_since(conn, info, "SELECT period, unit, revision, sha256 FROM received_bundles"
                       " WHERE campaign = ?", [campaign])
    return [row[:3] for row in rows]


def trust_after(conn: sqlite3.Connection,
                info: BackupInfo) -> tuple[list[tuple], list[tuple]]:
    """The trusted keys a restore would change, each (fingerprint, label, region,
    department): those trusted since the backup, which it would no longer trust, and those
    removed since (a lost PC's), which it would trust again. A changed label is neither."""
    sql = "SELECT fingerprint, label, region, department FROM trusted_keys"
    now, then = _rows_now_and_then(conn, info, sql, [])
    now_fps, then_fps = {row[0] for row in now}, {row[0] for row in then}
    return (sorted(row for row in now if row[0] not in then_fps),
            sorted(row for row in then if row[0] not in now_fps))


def _rows_since(conn: sqlite3.Connection, info: BackupInfo, sql: str, args: list) -> list[tuple]:
    """The rows `sql` reads from the open database and not from the backup, sorted."""
    now, then = _rows_now_and_then(conn, info, sql, args)
    return sorted(now - then)


def _rows_now_and_then(conn: sqlite3.Connection, info: BackupInfo, sql: str,
                       args: list) -> tuple[set[tuple], set[tuple]]:
    """The rows `sql` reads from the open database, and from the backup (read only)."""
    def rows(source: sqlite3.Connection) -> set[tuple]:
        try:
            return set(source.execute(sql, args).fetchall())
        except sqlite3.DatabaseError:  # no such table yet (a backup of an older schema)
            return set()

    try:
        copy = sqlite3.connect(f"{info.path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return set(), set()  # restoring it is refused with its reason
    try:
        return rows(conn), rows(copy)
    finally:
        copy.close()


class RestoreResult(NamedTuple):
    restored: BackupInfo
    safety_copy: BackupInfo | None  # the current data, backed up before being replaced
    set_aside: Path | None  # a damaged file, renamed and kept


def restore(db_path: Path, name: str | None = None) -> RestoreResult:
    """Put a backup (by name, else the newest) in place of the database at db_path."""
    db_path = Path(db_path)
    backups = list_backups(db_path)
    if not backups:
        raise UserError(f"没有找到 {db_path.name} 的备份(备份文件夹:{backup_folder(db_path)})。")
    if name is None:
        chosen = backups[0]
    else:
        chosen = next((b for b in backups if b.name == name), None)
        if chosen is None:
            raise UserError(f"没有名为 {name} 的备份。", ["用 jianwang backup list 查看可用的备份。"])
    check_backup(chosen)
    safety, aside = None, None
    with write_errors_as_user_errors(db_path, "没有恢复完成,数据库保持恢复前的内容。"):
        if db_path.exists() and not _is_healthy(db_path):
            aside = _set_aside(db_path)
        source = sqlite3.connect(f"{chosen.path.resolve().as_uri()}?mode=ro", uri=True)
        current = sqlite3.connect(db_path, timeout=0)
        try:
            _claim(current, db_path)
            if aside is None and db_path.stat().st_size > 0:
                # Not pruned now: the copy being restored may be the oldest one kept.
                safety = copy_database(current, db_path, "restore", prune=False)
            source.backup(current)  # inside SQLite's own transaction: all or nothing
            current.execute("PRAGMA journal_mode = WAL")
        finally:
            current.close()
            source.close()
    return RestoreResult(chosen, safety, aside)
