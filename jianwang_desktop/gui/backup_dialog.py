"""备份与恢复: the database's backups (newest first) and restoring one, after confirmation.

Restoring needs the database closed. At start, when the file is damaged
(`offer_restore_at_start`), no Store is open yet and the file is restored as it is. From
the open window (工具 → 备份与恢复…) the dialog is given the window's store, for 立即备份,
and a restorer that closes the store around the restore and shows the restored data in a
new window (`live_restore.WindowRestorer`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QLabel, QMessageBox,
                               QPushButton, QTableView, QVBoxLayout)

from ..core import backup
from ..core.errors import UserError
from ..core.signing import grouped, trusted_unit_text
from .uiload import child, load_ui

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ..core.store import Store


class Restorer(Protocol):
    def refusal(self) -> str:
        """Why no restore can be made now (Chinese), or "" when it can."""

    def __call__(self, name: str) -> tuple[backup.RestoreResult, "QWidget | None"]:
        """Restore the backup `name`; the result, and the window to report it over (None:
        the dialog itself). A refusal is a UserError, with the data as it was."""


class FileRestorer:
    """Restores a database file no Store has open (the offer at start)."""

    def __init__(self, db_path: Path):
        self.db_path = db_path

    def refusal(self) -> str:
        return ""

    def __call__(self, name: str) -> tuple[backup.RestoreResult, None]:
        return backup.restore(self.db_path, name), None


def size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)} KB"


LISTED = 6  # received bundles named in the question before restoring


class BackupListModel(QAbstractTableModel):
    TIME, LABEL, SIZE, NAME = range(4)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._backups: list[backup.BackupInfo] = []
        self._sizes: list[int] = []

    def set_backups(self, backups: list[backup.BackupInfo]) -> None:
        self.beginResetModel()
        self._backups = list(backups)
        self._sizes = [b.path.stat().st_size if b.path.exists() else 0 for b in backups]
        self.endResetModel()

    def backup_at(self, row: int) -> backup.BackupInfo:
        return self._backups[row]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._backups)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 4

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return (self.tr("备份时间"), self.tr("类型"), self.tr("大小"), self.tr("文件名"))[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        info = self._backups[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (info.when, info.label, size_text(self._sizes[index.row()]),
                    info.name)[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == self.SIZE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class BackupDialog(QDialog):
    def __init__(self, db_path: Path, parent=None, message: str = "",
                 store: Store | None = None, restorer: Restorer | None = None):
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.store = store  # the open database, for 立即备份 (none at start)
        self.restorer: Restorer = restorer or FileRestorer(self.db_path)
        self.restored: backup.RestoreResult | None = None
        self.ui = load_ui("backup_dialog", self)
        QVBoxLayout(self).addWidget(self.ui)
        self.setWindowTitle(self.ui.windowTitle())
        self.resize(self.ui.minimumSize())
        self.message: QLabel = child(self.ui, QLabel, "messageLabel")
        self._message = message
        child(self.ui, QLabel, "folderLabel").setText(
            self.tr("数据库:{db}\n备份文件夹:{folder}").format(
                db=self.db_path, folder=backup.backup_folder(self.db_path)))
        self.model = BackupListModel(self)
        self.view: QTableView = child(self.ui, QTableView, "backupView")
        self.view.setModel(self.model)
        self.view.selectionModel().selectionChanged.connect(self._update_button)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.restore_button: QPushButton = child(self.ui, QPushButton, "restoreButton")
        self.restore_button.clicked.connect(self.restore_selected)
        self.backup_now_button: QPushButton = child(self.ui, QPushButton, "backupNowButton")
        self.backup_now_button.setVisible(store is not None)
        self.backup_now_button.clicked.connect(self.backup_now)
        child(self.ui, QDialogButtonBox, "buttonBox").rejected.connect(self.reject)
        self.refresh()

    def refresh(self, select: str = "") -> None:
        """The list afresh; the backup named `select` chosen, else the newest."""
        self.model.set_backups(backup.list_backups(self.db_path))
        none = self.tr("还没有备份。") if not self.model.rowCount() else ""
        text = "\n".join(filter(None, [self._message, none]))
        self.message.setText(text)
        self.message.setVisible(bool(text))
        if self.model.rowCount():
            names = [self.model.backup_at(row).name for row in range(self.model.rowCount())]
            # The newest is the one the start-up message names.
            self.view.selectRow(names.index(select) if select in names else 0)
        self._update_button()

    def _update_button(self) -> None:
        self.restore_button.setEnabled(bool(self.view.selectionModel().selectedRows()))

    def selected(self) -> backup.BackupInfo | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.backup_at(rows[0].row()) if rows else None

    def backup_now(self) -> None:
        """A manual backup of the open database; the list shows it, chosen."""
        if self.store is None:
            return
        try:
            made = backup.backup_now(self.store, "manual")
        except UserError as e:
            QMessageBox.warning(self, self.tr("没有备份"), str(e))
            return
        self.refresh(select=made.name)

    def confirm(self, info: backup.BackupInfo) -> bool:
        if self.store is None:
            parts = [self.tr("替换前会先备份当前数据;损坏的文件会改名保留,不会被删除。")]
        else:
            parts = [self.tr("所有月份的数据、单位信息和导出、更正记录都会回到备份时的样子。"
                             "替换前会先备份当前数据(类型“{kind}”),需要时可以再恢复回来。").format(
                kind=backup.reason_label("restore"))]
            parts += filter(None, (self._exports_lost(info), self._received_lost(info),
                                   self._trust_changed(info)))
        answer = QMessageBox.question(
            self, self.tr("恢复备份"),
            self.tr("用 {when} 的备份({label})替换当前数据库?\n\n{after}").format(
                when=info.when, label=info.label, after="\n\n".join(parts)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    # What restoring `info` in place of the open database would undo, each said or "":

    def _exports_lost(self, info: backup.BackupInfo) -> str:
        form = self.store.form
        lost = backup.exports_after(self.store.db.conn, info, form.campaign)
        if not lost:
            return ""
        return self.tr(
            "注意:这份备份之后,本机导出过 {bundles}。恢复后这些导出记录不再有,这些月份解除锁定,"
            "再导出时的版本号会与已经发出的数据包重复。只想找回误删、误改的数据时,"
            "请尽量选导出之后的备份。").format(bundles="、".join(
                self.tr("{month}第{n}版").format(month=form.month(p).label, n=r) for p, r in lost))

    def _received_lost(self, info: backup.BackupInfo) -> str:
        form = self.store.form
        received = backup.received_after(self.store.db.conn, info, form.campaign)
        if not received:
            return ""
        # a province may have received hundreds: the first few named
        named = "、".join(self.tr("{unit}{month}第{n}版").format(
            unit=u, month=form.month(p).label, n=r) for p, u, r in received[:LISTED])
        if len(received) > LISTED:
            named += self.tr("等 {n} 个").format(n=len(received))
        return self.tr(
            "这份备份之后,本机导入过收到的数据包:{bundles}。恢复后这些数据包不再有,需要重新导入。"
        ).format(bundles=named)

    def _trust_changed(self, info: backup.BackupInfo) -> str:
        added, removed = backup.trust_after(self.store.db.conn, info)

        def keys(rows) -> str:
            return "、".join(self.tr("{unit}(指纹 {fp})").format(
                unit=trusted_unit_text(label, (r, d) if r and d else None), fp=grouped(fp))
                for fp, label, r, d in rows)

        changes = []
        if removed:
            changes.append(self.tr("备份之后移除的{keys}会重新受信任").format(keys=keys(removed)))
        if added:
            changes.append(self.tr("备份之后加入的{keys}不再受信任").format(keys=keys(added)))
        if not changes:
            return ""
        return self.tr("受信任的公钥也会回到备份时的样子:{changes}。恢复后请到“工具 → 受信任的公钥…”"
                       "核对。").format(changes=";".join(changes))

    def restore_selected(self) -> None:
        info = self.selected()
        if info is None:
            return
        refusal = self.restorer.refusal()
        if not refusal:
            try:  # a damaged copy: refused before anything is asked or said about it
                backup.check_backup(info)
            except UserError as e:
                refusal = str(e)
        if refusal:
            QMessageBox.warning(self, self.tr("没有恢复"), refusal)
            return
        if not self.confirm(info):
            return
        try:
            self.restored, report_over = self.restorer(info.name)
        except UserError as e:
            QMessageBox.warning(self, self.tr("没有恢复"), str(e))
            self.refresh(select=info.name)  # a safety copy may have been made meanwhile
            return
        done = [self.tr("已用 {when} 的备份恢复数据库。").format(when=info.when)]
        if self.restored.safety_copy:
            done.append(self.tr("恢复前的数据已备份为 {name}。").format(
                name=self.restored.safety_copy.name))
        if self.restored.set_aside:
            done.append(self.tr("损坏的文件已改名保留为 {name}。").format(
                name=self.restored.set_aside.name))
        if report_over is None:
            QMessageBox.information(self, self.tr("恢复完成"), "\n".join(done))
            self.accept()
        else:  # the window it belongs to is gone: the outcome is read over the new one
            self.accept()
            QMessageBox.information(report_over, self.tr("恢复完成"), "\n".join(done))


def offer_restore_at_start(db_path: Path, error: UserError) -> bool:
    """The database file is damaged: show why and the backups; True once one is restored."""
    dialog = BackupDialog(db_path, message=str(error))
    dialog.exec()
    return dialog.restored is not None
