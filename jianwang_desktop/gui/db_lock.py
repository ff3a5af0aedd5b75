"""One window per database file: a lock file next to it (QLockFile).

The lock records the process id and host; a lock left by a process that no longer runs
(a crash, a power cut) is recognised as stale and taken over, so it never blocks for good.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLockFile

from ..core.errors import UserError


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


def acquire_db_lock(db_path: Path) -> QLockFile:
    """Lock `db_path` for this window, or raise UserError naming who holds it."""
    path = lock_path(Path(db_path))
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = QLockFile(str(path))
    # 0: only a lock whose process is gone is stale; a live holder is never overridden.
    lock.setStaleLockTime(0)
    if lock.tryLock(0):
        return lock
    info = lock.getLockInfo()  # PySide6: (pid, hostname, appname); pid 0 when unreadable
    def tr(text: str) -> str:
        return QCoreApplication.translate("DbLock", text)

    holder = (tr("(进程 {pid},计算机 {host})").format(pid=info[0], host=info[1])
              if isinstance(info, tuple) and info[0] else "")
    raise UserError(
        tr("数据库 {path} 已在另一个剑网填报窗口中打开{holder}。同一个数据库只能在一个窗口中填写,"
           "以免互相覆盖。").format(path=db_path, holder=holder),
        [tr("请切换到已打开的窗口;如果确认没有别的窗口在使用它(例如在另一台电脑上打开后异常退出),"
            "可以删除锁文件 {lock} 后再打开。").format(lock=path)],
    )
