"""The one place where a failed SQLite write becomes a message the user can act on.

Only OperationalError and plain DatabaseError (disk full, read-only, locked, I/O error,
damaged file) are translated; an IntegrityError is a bug in our code and stays one.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from .errors import UserError

NOT_SAVED = "刚才的操作没有保存(已整体撤销),此前已保存的数据没有受到影响。"


def error_name(error: sqlite3.Error) -> str:
    # sqlite_errorname exists from Python 3.11; the message is the fallback.
    name = getattr(error, "sqlite_errorname", "") or ""
    if name:
        return name
    text = str(error).lower()
    for needle, guess in (("full", "SQLITE_FULL"), ("readonly", "SQLITE_READONLY"),
                          ("read-only", "SQLITE_READONLY"), ("locked", "SQLITE_BUSY"),
                          ("disk i/o", "SQLITE_IOERR"), ("malformed", "SQLITE_CORRUPT"),
                          ("not a database", "SQLITE_NOTADB"), ("unable to open", "SQLITE_CANTOPEN")):
        if needle in text:
            return guess
    return ""


def is_busy(error: sqlite3.Error) -> bool:
    """Another connection holds the lock."""
    return error_name(error).startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


def user_error_for(error: sqlite3.Error, path: Path, doing: str = NOT_SAVED) -> UserError:
    """A Chinese UserError saying what happened to the database at `path` and what to do."""
    name = error_name(error)
    if name.startswith("SQLITE_FULL"):
        return UserError(f"磁盘空间已满,无法写入数据库 {path}。{doing}",
                         ["请清理磁盘空间,或把数据库移到空间充足的磁盘(用 --db 指定),然后再做一次。"])
    if name.startswith(("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_CANTOPEN", "SQLITE_AUTH")):
        return UserError(f"数据库文件 {path} 或它所在的文件夹是只读的,无法写入。{doing}",
                         ["请检查文件的“只读”属性和文件夹的写入权限(U 盘是否写保护),"
                          "或用 --db 指定一个可以写入的位置,然后再做一次。"])
    if is_busy(error):
        return UserError(f"数据库 {path} 正被另一个程序(或另一个剑网填报窗口)占用。{doing}",
                         ["请关闭其他正在使用这个数据库的程序,然后再做一次。"])
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return UserError(f"数据库文件 {path} 已损坏。{doing}",
                         ["请不要再写入这个文件;用 jianwang backup list 查看备份,"
                          "用 jianwang backup restore 恢复最近的备份。"])
    if name.startswith("SQLITE_IOERR"):
        return UserError(f"读写数据库文件 {path} 时磁盘出错。{doing}",
                         ["请检查磁盘(或网络驱动器、U 盘)是否连接正常后再做一次;"
                          "如果反复出错,请用 jianwang backup list 查看备份。"])
    return UserError(f"数据库 {path} 出错:{error}。{doing}",
                     ["请再做一次;如果反复出错,请把这段文字告诉技术支持。"])


@contextmanager
def write_errors_as_user_errors(path: Path, doing: str = NOT_SAVED) -> Iterator[None]:
    try:
        yield
    except sqlite3.DatabaseError as e:
        if type(e) not in (sqlite3.OperationalError, sqlite3.DatabaseError):
            raise  # IntegrityError and the like: a bug, not the user's disk
        raise user_error_for(e, path, doing) from None
