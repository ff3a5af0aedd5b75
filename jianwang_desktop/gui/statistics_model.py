"""附件1 as a table model: 案件类别 rows plus a live 合计 row, one column per measure."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from ..core.formdef import FormDefinition
from ..core.money import format_amount
from ..core.records import Grid, Value, empty_grid, totals_row

_Index = QModelIndex | QPersistentModelIndex


def display_value(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_amount(value)
    return str(value)


class StatisticsModel(QAbstractTableModel):
    """Rows 0..5 are the categories of the form, the last row is 合计 (computed)."""

    def __init__(self, form: FormDefinition, grid: Grid | None = None, parent=None):
        super().__init__(parent)
        self.form = form
        self._grid: Grid = grid if grid is not None else empty_grid(form)

    # ------------------------------------------------------------ shape

    @property
    def total_row(self) -> int:
        return len(self.form.categories)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.form.categories) + 1

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.form.measures)

    def category_at(self, row: int) -> str | None:
        return self.form.categories[row] if row < self.total_row else None

    def measure_at(self, column: int) -> str:
        return self.form.measures[column].key

    def index_of(self, category: str, measure: str) -> QModelIndex:
        return self.index(self.form.categories.index(category),
                          self.form.measure_keys.index(measure))

    # ------------------------------------------------------------ data

    def grid(self) -> Grid:
        return self._grid

    def set_grid(self, grid: Grid) -> None:
        self.beginResetModel()
        self._grid = grid
        self.endResetModel()

    def value(self, row: int, column: int) -> Value:
        key = self.measure_at(column)
        category = self.category_at(row)
        if category is None:
            return totals_row(self.form, self._grid)[key]
        return self._grid[category][key]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return display_value(self.value(index.row(), index.column()))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and index.row() == self.total_row:
            from PySide6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            measure = self.form.measures[section]
            if measure.group:
                return f"{measure.group}\n{measure.heading}"
            return measure.heading
        category = self.category_at(section)
        return category if category is not None else self.form.total_label

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
