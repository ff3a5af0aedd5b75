"""更正记录: the versions of a month and every change made to it after its first export."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableView,
                               QVBoxLayout)

from ..core.audit import AuditEntry, version_lines
from ..core.china_time import time_text
from ..core.formdef import FormDefinition
from .uiload import child, load_ui


class AuditTrailModel(QAbstractTableModel):
    """One row per recorded change, oldest first."""

    REVISION, TIME, FILLER, REASON, CHANGE = range(5)

    def __init__(self, form: FormDefinition, parent=None):
        super().__init__(parent)
        self.form = form
        self._entries: list[AuditEntry] = []

    def set_entries(self, entries: list[AuditEntry]) -> None:
        self.beginResetModel()
        self._entries = list(entries)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 5

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return (self.tr("版本"), self.tr("时间"), self.tr("填报人"), self.tr("更正原因"),
                    self.tr("修改内容(原值 → 新值)"))[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        entry = self._entries[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return (self.tr("第{n}版").format(n=entry.revision), time_text(entry.at),
                    entry.filler,
                    entry.reason, entry.describe(self.form))[index.column()]
        return None


class AuditDialog(QDialog):
    def __init__(self, store, period: str, parent=None):
        super().__init__(parent)
        self.ui = load_ui("audit_dialog", self)
        QVBoxLayout(self).addWidget(self.ui)
        label = store.form.month(period).label
        self.setWindowTitle(self.tr("{month}的更正记录").format(month=label))
        self.resize(self.ui.minimumSize())
        self.versions: QLabel = child(self.ui, QLabel, "versionsLabel")
        self.versions.setText("\n".join(version_lines(store, period)))
        self.model = AuditTrailModel(store.form, self)
        self.model.set_entries(store.audit_trail(period))
        self.view: QTableView = child(self.ui, QTableView, "trailView")
        self.view.setModel(self.model)
        header = self.view.horizontalHeader()
        for column in range(AuditTrailModel.REASON):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # The reason is the same on every row of a version, and whole in the lines above
        # and on hover: narrow, so that the changes are what the width shows.
        header.setSectionResizeMode(AuditTrailModel.REASON, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(AuditTrailModel.REASON, min(
            self.view.sizeHintForColumn(AuditTrailModel.REASON), self.ui.minimumWidth() // 5))
        header.setSectionResizeMode(AuditTrailModel.CHANGE, QHeaderView.ResizeMode.Stretch)
        buttons: QDialogButtonBox = child(self.ui, QDialogButtonBox, "buttonBox")
        buttons.rejected.connect(self.reject)
