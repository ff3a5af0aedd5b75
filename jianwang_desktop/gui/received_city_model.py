"""A 市(州)版权局's month: its own figures, each department's, and the city total.

Rows come from core.rollup.city_breakdown (the same rows `jianwang city` prints); a
department that has not reported shows 未报送 in red.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from ..core.china_time import time_text
from ..core.formdef import FormDefinition
from ..core.rollup import BreakdownRow
from ..core.signing import grouped
from .statistics_model import display_value


class CityBreakdownModel(QAbstractTableModel):
    def __init__(self, form: FormDefinition, parent=None):
        super().__init__(parent)
        self.form = form
        self._rows: list[BreakdownRow] = []

    def set_rows(self, rows: list[BreakdownRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 1 + len(self.form.measures) + 3

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        measures = len(self.form.measures)
        if section == 0:
            return self.tr("来源")
        if section <= measures:
            m = self.form.measures[section - 1]
            return f"{m.label}\n({m.unit})"
        return (self.tr("版本"), self.tr("生成时间"), self.tr("签名指纹"))[section - measures - 1]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        measures = len(self.form.measures)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row.source
            if not row.reported:
                return self.tr("未报送") if column == 1 else ""
            if column <= measures:
                return display_value(row.totals[self.form.measures[column - 1].key])
            b = row.bundle
            if b is None:
                return ""
            return (self.tr("第%n版", "", b.revision), time_text(b.created, seconds=False),
                    grouped(b.fingerprint))[column - measures - 1]
        if role == Qt.ItemDataRole.ToolTipRole and column > measures and row.bundle is not None:
            # the last column is cut to the page's width: the whole fingerprint on hover
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.ForegroundRole and not row.reported:
            return QColor("#b3261e")
        if role == Qt.ItemDataRole.FontRole and index.row() == len(self._rows) - 1:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and 0 < column <= measures:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
