"""备份与恢复: the database's backups (newest first) and restoring one, after confirmation.

Restoring needs the database closed: the dialog is offered at start when the file is
damaged (`offer_restore_at_start`), before any Store is open.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QLabel, QMessageBox,
                               QPushButton, QTableView, QVBoxLayout)

from ..core import backup
from ..core.errors import UserError
from .uiload import child, load_ui


def size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)} KB"


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
    def __init__(self, db_path: Path, parent=None, message: str = ""):
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.restored: backup.RestoreResult | None = None
        self.ui = load_ui("backup_dialog", self)
        QVBoxLayout(self).addWidget(self.ui)
        self.setWindowTitle(self.ui.windowTitle())
        self.resize(self.ui.minimumSize())
        self.message: QLabel = child(self.ui, QLabel, "messageLabel")
        self.message.setText(message)
        self.message.setVisible(bool(message))
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
        child(self.ui, QDialogButtonBox, "buttonBox").rejected.connect(self.reject)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_backups(backup.list_backups(self.db_path))
        if self.model.rowCount():
            self.view.selectRow(0)  # the newest, which the start-up message names
        else:
            self.message.setVisible(True)
            self.message.setText("\n".join(filter(None, [self.message.text(), self.tr(
                "还没有备份。")])))
        self._update_button()

    def _update_button(self) -> None:
        self.restore_button.setEnabled(bool(self.view.selectionModel().selectedRows()))

    def selected(self) -> backup.BackupInfo | None:
        rows = self.view.selectionModel().selectedRows()
        return self.model.backup_at(rows[0].row()) if rows else None

    def confirm(self, info: backup.BackupInfo) -> bool:
        answer = QMessageBox.question(
            self, self.tr("恢复备份"),
            self.tr("用 {when} 的备份({label})替换当前数据库?\n\n替换前会先备份当前数据;"
                    "损坏的文件会改名保留,不会被删除。").format(when=info.when, label=info.label),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def restore_selected(self) -> None:
        info = self.selected()
        if info is None or not self.confirm(info):
            return
        try:
            self.restored = backup.restore(self.db_path, info.name)
        except UserError as e:
            QMessageBox.warning(self, self.tr("没有恢复"), str(e))
            return
        done = [self.tr("已用 {when} 的备份恢复数据库。").format(when=info.when)]
        if self.restored.safety_copy:
            done.append(self.tr("恢复前的数据已备份为 {name}。").format(
                name=self.restored.safety_copy.name))
        if self.restored.set_aside:
            done.append(self.tr("损坏的文件已改名保留为 {name}。").format(
                name=self.restored.set_aside.name))
        QMessageBox.information(self, self.tr("恢复完成"), "\n".join(done))
        self.accept()


def offer_restore_at_start(db_path: Path, error: UserError) -> bool:
    """The database file is damaged: show why and the backups; True once one is restored."""
    dialog = BackupDialog(db_path, message=str(error))
    dialog.exec()
    return dialog.restored is not None
