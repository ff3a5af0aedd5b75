"""The register of received cases as a Qt model, and the filter in front of it.

The rows come from core.register.search_cases; the filter applies the same
CaseFilter.matches the core uses, so the window and `jianwang cases` agree.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt

from ..core.formdef import FormDefinition
from ..core.register import CaseFilter, ReceivedCase
from .case_model import change_row_filter, first_line

ReceivedCaseRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2  # 2015-10 after 2015-09, which the labels are not


class ReceivedCasesModel(QAbstractTableModel):
    """One row per received case: month, unit, category, then the 附件2 columns."""

    LEADING = 3  # 月份, 报送单位, 案件类别

    def __init__(self, form: FormDefinition, parent=None):
        super().__init__(parent)
        self.form = form
        self._items: list[ReceivedCase] = []

    def set_items(self, items: list[ReceivedCase]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def items(self) -> list[ReceivedCase]:
        return self._items

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self.LEADING + len(self.form.case_columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        if section < self.LEADING:
            return (self.tr("月份"), self.tr("报送单位"), self.tr("案件类别"))[section]
        return self.form.case_columns[section - self.LEADING].heading

    def _full_text(self, item: ReceivedCase, column: int) -> str:
        if column == 0:
            return self.form.month(item.period).label
        if column == 1:
            return item.unit
        if column == 2:
            return item.case.category
        return item.case.text(self.form.case_columns[column - self.LEADING].key)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return first_line(self._full_text(item, index.column()))
        if role == Qt.ItemDataRole.ToolTipRole:
            text = self._full_text(item, index.column())
            return text if text != first_line(text) else None
        if role == ReceivedCaseRole:
            return item
        if role == SortRole:
            return item.period if index.column() == 0 else self._full_text(item, index.column())
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class ReceivedCasesFilter(QSortFilterProxyModel):
    """Shows the rows a CaseFilter accepts; sorting by any column."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._filter = CaseFilter()
        self.setSortRole(SortRole)

    def set_filter(self, case_filter: CaseFilter) -> None:
        change_row_filter(self, lambda: setattr(self, "_filter", case_filter))

    def case_filter(self) -> CaseFilter:
        return self._filter

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        """Rows numbered 1, 2, 3… as listed: the proxy would show each one's number in
        the whole register (2, 5, 17… once filtered or sorted)."""
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return str(section + 1)
        return super().headerData(section, orientation, role)

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        model = self.sourceModel()
        item = model.data(model.index(source_row, 0, source_parent), ReceivedCaseRole)
        return item is not None and self._filter.matches(item)
