"""The province's completeness matrix: 市(州) × month, on time / late / missing."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from ..core.completeness import LATE, MISSING, NOT_DUE, ON_TIME, Matrix
from ..core.formdef import FormDefinition
from ..core.china_time import time_text
from ..core.signing import grouped

STATUS_COLOURS = {ON_TIME: "#dff3e4", LATE: "#fff1cc", MISSING: "#fbdcd9", NOT_DUE: "#ffffff"}
CORRECTED_COLOUR = "#1a56a6"  # a corrected cell: blue bold text on its status colour


class CompletenessModel(QAbstractTableModel):
    def __init__(self, form: FormDefinition, parent=None):
        super().__init__(parent)
        self.form = form
        self._matrix: Matrix | None = None

    def set_matrix(self, matrix: Matrix) -> None:
        self.beginResetModel()
        self._matrix = matrix
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or self._matrix is None else len(self._matrix.senders)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or self._matrix is None else len(self._matrix.periods)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or self._matrix is None:
            return None
        if orientation == Qt.Orientation.Vertical:
            return self._matrix.senders[section].label
        month = self.form.month(self._matrix.periods[section])
        return self.tr("%1\n(%2月%3日截止)").replace("%1", month.label).replace(
            "%2", str(month.due.month)).replace("%3", str(month.due.day))

    def cell(self, index):
        return self._matrix.cell(self._matrix.senders[index.row()],
                                 self._matrix.periods[index.column()])

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self._matrix is None:
            return None
        cell = self.cell(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return cell.label
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor(STATUS_COLOURS[cell.status])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.ForegroundRole and cell.corrected:
            return QColor(CORRECTED_COLOUR)
        if role == Qt.ItemDataRole.FontRole and cell.corrected:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and cell.current is not None:
            return self.tr("首次生成:%1\n当前:第%2版,%3\n指纹:%4").replace(
                "%1", time_text(cell.first_created, seconds=False) if cell.first_created else "").replace(
                "%2", str(cell.revision)).replace("%3", time_text(cell.current.created, seconds=False)).replace(
                "%4", grouped(cell.current.fingerprint))
        return None
