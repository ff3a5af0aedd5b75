"""Restoring a backup while the window is open (工具 → 备份与恢复…).

The file can only be replaced closed (on Windows an open file cannot be replaced at all),
and what the window shows comes from its store through many models and pages (the month
list, 附件1, 附件2, 校验与核对, the header, 本市汇总, the locks of exported months). So the
window's store is closed, the backup put in its place (`backup.restore`, which first
backs up the current data), a new Store opened on the restored file and a new MainWindow
shown on it where the old one was; the old one is closed. The process keeps its lock on
the database file throughout (gui/db_lock.py): no other window can open it meanwhile.

A refusal at any step leaves the file as it was and the old window working on it again.
"""

from __future__ import annotations

import traceback
from typing import TYPE_CHECKING

from ..core import backup
from ..core.errors import UserError
from ..core.store import Store

if TYPE_CHECKING:
    from .main_window import MainWindow


class WindowRestorer:
    """The restorer of a BackupDialog opened on a MainWindow (see backup_dialog.Restorer)."""

    def __init__(self, window: MainWindow):
        self.window = window

    def refusal(self) -> str:
        text = self.window.busy_text()
        return text and self.window.tr("现在不能恢复备份:") + text

    def __call__(self, name: str) -> tuple[backup.RestoreResult, MainWindow]:
        refusal = self.refusal()
        if refusal:
            raise UserError(refusal)
        old = self.window
        old.commit_open_edits()  # what is being typed goes into the safety copy too
        store = old.store
        store.close()
        try:
            result = backup.restore(store.path, name)
        except UserError:
            self._carry_on(store)
            raise
        try:
            new = self._open_restored(store.path)
        except UserError as e:
            self._put_back(store, result, [e.message, *e.details])
            raise UserError(self.window.tr(
                "备份已恢复,但恢复后的数据库无法打开,已换回恢复前的数据,没有任何改动。"),
                [e.message, *e.details]) from None
        self._take_over(new)
        return result, new

    def _open_restored(self, path) -> MainWindow:
        from .main_window import MainWindow

        store = None
        try:
            store = Store(path)  # an older file is upgraded here, after a backup of its own
            return MainWindow(store, today=self.window.today)
        except Exception as e:
            if store is not None:
                store.close()
            if isinstance(e, UserError):
                raise
            # (a defect of the program, not the clerk's doing: printed for whoever looks into
            # it, while the clerk is told what happened, in Chinese)
            traceback.print_exception(e)
            raise UserError(self.window.tr("恢复后的数据库无法在窗口中显示(程序内部错误)。")) from e

    def _put_back(self, store: Store, result: backup.RestoreResult, why: list[str]) -> None:
        """The restored file cannot be shown: the data of before the restore, again."""
        safety = result.safety_copy
        if safety is None:  # the file replaced was damaged, set aside: nothing to put back
            self._give_up()
            raise UserError(self.window.tr(
                "备份已恢复,但恢复后的数据库无法打开。请关闭程序后重新打开。"), why)
        try:
            backup.restore(store.path, safety.name)
        except UserError as e:
            name = safety.name
            self._give_up()
            raise UserError(self.window.tr(
                "备份已恢复,但恢复后的数据库无法打开,换回恢复前的数据也没有成功。恢复前的数据在备份"
                " {name} 中:请关闭程序,运行 {command} 换回。").format(
                    name=name, command=backup.restore_command(store.path, name)),
                [*why, e.message, *e.details]) from None
        self._carry_on(store)

    def _give_up(self) -> None:
        """The store is closed for good: the window takes no more edits (each would meet the
        closed database), and closing it stores nothing (its edits went in before)."""
        self.window.replaced = True
        self.window.setEnabled(False)

    def _carry_on(self, store: Store) -> None:
        try:
            store.reopen()
        except UserError as e:
            self._give_up()
            raise UserError(self.window.tr(
                "没有恢复,但重新打开数据库时出错,请关闭程序后重新打开。"),
                [e.message, *e.details]) from None

    def _take_over(self, new: MainWindow) -> None:
        """`new` where the old window was, showing what it showed (the month, the tab)."""
        old = self.window
        new.on_replaced = old.on_replaced
        if old.period in new.form.periods:
            new.select_month(old.period)
        if new.role == old.role:
            new.tabs.setCurrentIndex(old.tabs.currentIndex())
        # Fitted first, maximized or not: maximizing is the window manager's to do, and
        # without one the new window would keep its own size, past a netbook's screen.
        new.setGeometry(old.geometry())
        if old.isMaximized():
            new.showMaximized()
        else:
            new.show()
        old.replaced = True
        old.close()
        old.deleteLater()
        if new.on_replaced is not None:
            new.on_replaced(new)
