"""附件2 as a table model: the month's cases, one row each, plus a search/sort proxy.

Rows are plain CaseRecords in a list, so the model stays fast with 100,000 cases: no
widget per row, data() is a list lookup, sorting is one Python sort of the list (the
proxy hands sorting to it) and the proxy only filters.
"""

from __future__ import annotations

from operator import attrgetter

from PySide6.QtCore import (QAbstractTableModel, QModelIndex, QPersistentModelIndex,
                            QSortFilterProxyModel, Qt)

from ..core.formdef import FormDefinition
from ..core.records import CaseRecord
from .colours import ERROR_BACKGROUND, WARNING_BACKGROUND

_Index = QModelIndex | QPersistentModelIndex

# The register shows these columns; the long texts are shown by their first line.
COLUMNS = ("number", "name", "handling_unit", "source", "category", "summary", "result",
           "remarks")
SEARCHED = COLUMNS  # a search looks in every column shown, in full
_searched_texts = attrgetter(*SEARCHED)


def first_line(text: str, limit: int = 60) -> str:
    line = text.split("\n", 1)[0]
    return line if len(line) <= limit and "\n" not in text else line[:limit] + "…"


class CaseTableModel(QAbstractTableModel):
    def __init__(self, form: FormDefinition, parent=None):
        super().__init__(parent)
        self.form = form
        self._cases: list[CaseRecord] = []
        # The cases' ids in row order, for row_of: a list.index is quick enough for what
        # looks a case up (a save, a jump to it), and a dict of 100,000 ids held 8 MB.
        self._ids: list[int | None] = []
        self._problems: dict[int, list] = {}  # case id -> findings

    # ------------------------------------------------------------ shape

    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._cases)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def heading(self, column: int) -> str:
        key = COLUMNS[column]
        return self.form.category_heading if key == "category" else self.form.case_column(key).heading

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.heading(section)
        return str(section + 1)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        case = self._cases[index.row()]
        key = COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return first_line(getattr(case, key))
        if role == Qt.ItemDataRole.ToolTipRole:
            problems = self._problems.get(case.id)
            if problems:
                return "\n".join(f.message for f in problems)
            return getattr(case, key) or None
        if role == Qt.ItemDataRole.BackgroundRole:
            problems = self._problems.get(case.id)
            if problems:
                return ERROR_BACKGROUND if any(f.is_error for f in problems) else WARNING_BACKGROUND
        return None

    # ------------------------------------------------------------ rows

    def cases(self) -> list[CaseRecord]:
        return self._cases

    def case_at(self, row: int) -> CaseRecord:
        return self._cases[row]

    def haystack(self, row: int) -> str:
        """The row's searchable text, casefolded. Made at each search, not kept: kept, the
        copies would add some 50 MB to a register of 100,000 cases, and the search over
        them took 0.15 s against 0.25 s (Qt asks the proxy row by row either way)."""
        return "\n".join(_searched_texts(self._cases[row])).casefold()

    def row_of(self, case_id: int) -> int | None:
        try:
            return self._ids.index(case_id)
        except ValueError:
            return None

    def _reindex(self) -> None:
        self._ids = [c.id for c in self._cases]

    def set_cases(self, cases: list[CaseRecord]) -> None:
        self.beginResetModel()
        self._cases = list(cases)
        self._problems = {}
        self._reindex()
        self.endResetModel()

    def append(self, case: CaseRecord) -> int:
        row = len(self._cases)
        self.beginInsertRows(QModelIndex(), row, row)
        self._cases.append(case)
        self._ids.append(case.id)
        self.endInsertRows()
        return row

    def replace(self, case: CaseRecord) -> None:
        row = self._ids.index(case.id)
        self._cases[row] = case
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def remove(self, case_id: int) -> None:
        row = self._ids.index(case_id)
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._cases[row]
        del self._ids[row]
        self.endRemoveRows()

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        key = COLUMNS[column]
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [self._cases[i.row()].id for i in persistent]
        self._cases.sort(key=lambda c: getattr(c, key),
                         reverse=order == Qt.SortOrder.DescendingOrder)
        self._reindex()
        row_of = {case_id: row for row, case_id in enumerate(self._ids)} if persistent else {}
        self.changePersistentIndexList(
            persistent, [self.index(row_of[i], p.column()) for i, p in zip(ids, persistent)])
        self.layoutChanged.emit()

    def set_problems(self, problems: dict[int, list]) -> None:
        """Findings per case id, from the latest validation of the month."""
        self._problems = problems
        if self._cases:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._cases) - 1, len(COLUMNS) - 1),
                                  [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ToolTipRole])


def change_row_filter(proxy: QSortFilterProxyModel, change) -> None:
    """Run `change()` (which alters what filterAcceptsRow accepts) and refilter the rows."""
    if hasattr(proxy, "beginFilterChange"):  # Qt >= 6.10
        proxy.beginFilterChange()
        change()
        proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)
    else:
        change()
        proxy.invalidateRowsFilter()


def _needle(text: str) -> str:
    """What a search looks for in a case's text."""
    return text.strip().casefold()


class CaseFilterModel(QSortFilterProxyModel):
    """Search over every text of a case; sorting is done by the source model's list sort."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._needle = ""
        self._source: CaseTableModel | None = None  # sourceModel() without a Qt call per row

    def setSourceModel(self, model) -> None:
        self._source = model
        super().setSourceModel(model)

    def set_search(self, text: str) -> None:
        change_row_filter(self, lambda: setattr(self, "_needle", _needle(text)))

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        return self.finds(source_row, self._needle)

    def finds(self, source_row: int, needle: str) -> bool:
        """Whether a search for `needle` (as `_needle` makes it) shows the row."""
        return not needle or needle in self._source.haystack(source_row)

    def would_hide(self, source_row: int, text: str) -> bool:
        """Whether searching `text` hides the row."""
        return not self.finds(source_row, _needle(text))

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if column >= 0:
            self.sourceModel().sort(column, order)
