"""附件1 as a table model: 案件类别 rows plus a live 合计 row, one column per measure.

Edits go through the Store at once (autosave) and, when an undo stack is given, as
undoable commands; a paste or 空白填0 is one command. Cells that break a rule of the
form are marked (background and a Chinese tooltip).
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QUndoCommand, QUndoStack

from ..core.errors import UserError
from ..core.formdef import FormDefinition
from ..core.money import NumberError, format_amount
from ..core.records import Grid, Value, empty_grid, totals_row, zero_of
from ..core.validation import Finding, parse_cell, validate_grid
from .colours import BLANK_BACKGROUND, ERROR_BACKGROUND, TOTAL_BACKGROUND, WARNING_BACKGROUND

_Index = QModelIndex | QPersistentModelIndex
Cells = dict[tuple[str, str], Value]



def display_value(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_amount(value)
    return str(value)


class SetCellsCommand(QUndoCommand):
    """Write cells; undo writes back what they held before."""

    def __init__(self, model: "StatisticsModel", after: Cells, text: str):
        super().__init__(text)
        self.model = model
        self.period = model.period
        self.after = dict(after)
        self.before = {key: model.grid()[key[0]][key[1]] for key in after}

    def redo(self) -> None:
        self.model.apply_cells(self.after, self.period)

    def undo(self) -> None:
        self.model.apply_cells(self.before, self.period)


class StatisticsModel(QAbstractTableModel):
    """Rows 0..5 are the categories of the form, the last row is 合计 (computed)."""

    refused = Signal(str)  # an edit that was not accepted, with the reason
    edited = Signal()  # accepted cells are in the store

    def __init__(self, form: FormDefinition, grid: Grid | None = None, parent=None,
                 store=None, period: str | None = None, undo_stack: QUndoStack | None = None):
        super().__init__(parent)
        self.form = form
        self.store = store
        self.period = period
        self.undo_stack = undo_stack
        self.read_only = False  # a month locked by its export
        self._grid: Grid = grid if grid is not None else empty_grid(form)
        self._totals = totals_row(form, self._grid)
        self._marks: dict[tuple[str, str], list[Finding]] = {}
        self._refresh_marks()

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

    def key_at(self, index: _Index) -> tuple[str, str] | None:
        """(category, measure) of an editable cell; None for 合计 or an invalid index."""
        if not index.isValid():
            return None
        category = self.category_at(index.row())
        return None if category is None else (category, self.measure_at(index.column()))

    # ------------------------------------------------------------ data

    def grid(self) -> Grid:
        return self._grid

    def set_grid(self, grid: Grid, period: str | None = None) -> None:
        self.beginResetModel()
        self._grid = grid
        if period is not None:
            self.period = period
        self._totals = totals_row(self.form, grid)
        self._refresh_marks()
        self.endResetModel()

    def value(self, row: int, column: int) -> Value:
        key = self.measure_at(column)
        category = self.category_at(row)
        if category is None:
            return self._totals[key]
        return self._grid[category][key]

    def findings_at(self, index: _Index) -> list[Finding]:
        key = self.key_at(index)
        return self._marks.get(key, []) if key else []

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return display_value(self.value(index.row(), index.column()))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if index.row() == self.total_row:
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setBold(True)
                return font
            if role == Qt.ItemDataRole.BackgroundRole:
                return TOTAL_BACKGROUND
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.tr("合计由各类别自动相加,不能直接填写")
            return None
        findings = self.findings_at(index)
        if role == Qt.ItemDataRole.BackgroundRole and findings:
            if any(f.is_error and f.rule for f in findings):
                return ERROR_BACKGROUND
            if any(f.rule for f in findings):
                return WARNING_BACKGROUND
            return BLANK_BACKGROUND
        if role == Qt.ItemDataRole.ToolTipRole and findings:
            return "\n".join(f.message for f in findings)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
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
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.store is not None and not self.read_only and index.row() != self.total_row:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    # ------------------------------------------------------------ editing

    def locked_message(self) -> str:
        return self.tr("本月报表已导出并锁定,不能修改;需要修改请点“更正…”,写明原因。")

    def cell_label(self, category: str, key: str) -> str:
        return f"{category} · {self.form.measure(key).label}"

    def parse(self, category: str, key: str, text: object) -> Value:
        """The exact value of typed/pasted text; NumberError says what is wrong, in Chinese."""
        return parse_cell(self.form.measure(key), text)

    def setData(self, index: _Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        key = self.key_at(index)
        if role != Qt.ItemDataRole.EditRole or key is None or self.store is None:
            return False
        if self.read_only:
            self.refused.emit(self.locked_message())
            return False
        try:
            parsed = self.parse(*key, value)
        except NumberError as e:
            self.refused.emit(self.tr("{cell}:“{text}”未填入,{reason}。").format(
                cell=self.cell_label(*key), text=shown_text(str(value)), reason=e))
            return False
        old = self._grid[key[0]][key[1]]
        if display_value(old) == display_value(parsed) and (old is None) == (parsed is None):
            return True
        return self.change_cells({key: parsed}, self.tr("填写 {cell}").format(cell=self.cell_label(*key)))

    def change_cells(self, cells: Cells, text: str) -> bool:
        """An accepted change of several cells: one undoable action, stored at once."""
        if not cells:
            return True
        if self.read_only:
            self.refused.emit(self.locked_message())
            return False
        if self.undo_stack is None:
            return self.apply_cells(cells, self.period)
        command = SetCellsCommand(self, cells, text)
        self.undo_stack.push(command)
        return command.period == self.period

    def apply_cells(self, cells: Cells, period: str | None) -> bool:
        if period != self.period:
            # Cannot happen (the undo stack is cleared when the month changes); if it did,
            # the grid here is another month's: write nothing rather than the wrong month.
            return False
        try:
            self.store.set_cells(period, cells)
        except UserError as e:
            self.refused.emit(str(e))
            return False
        for (category, key), value in cells.items():
            self._grid[category][key] = value
        self._totals = totals_row(self.form, self._grid)
        self._refresh_marks()
        rows = [self.form.categories.index(c) for c, _ in cells]
        # Rule marks can change anywhere in the row, 合计 anywhere in the last row.
        self.dataChanged.emit(self.index(min(rows), 0),
                              self.index(self.total_row, self.columnCount() - 1))
        self.edited.emit()
        return True

    def fill_blanks_with_zero(self) -> int:
        cells = {(c, k): zero_of(self.form, k) for c in self.form.categories
                 for k in self.form.measure_keys if self._grid[c][k] is None}
        self.change_cells(cells, self.tr("空白填0"))
        return len(cells)

    def clear(self, indexes: list[_Index]) -> None:
        cells = {key: None for key in map(self.key_at, indexes)
                 if key and self._grid[key[0]][key[1]] is not None}
        self.change_cells(cells, self.tr("清除 {n} 个单元格").format(n=len(cells)))

    def paste_text(self, text: str, top: int, left: int,
                   fill: list[_Index] | None = None) -> list[str]:
        """Paste a tab-separated block (Excel/WPS) with its top-left cell at (top, left).

        A single value with `fill` given goes into every cell of `fill` (as Excel does).
        Every cell is checked on its own: the good ones are applied as one undoable
        action, each bad one is refused and described in the returned messages.
        """
        block = parse_tsv(text)
        if not block:
            return [self.tr("剪贴板中没有可以粘贴的内容。")]
        targets: list[tuple[int, int, str]] = []
        outside = 0
        if fill and len(block) == 1 and len(block[0]) == 1:
            targets = [(i.row(), i.column(), block[0][0]) for i in fill]
        else:
            # Only the part over the grid is looked at cell by cell: a pasted block may be huge.
            rows, columns = range(self.total_row), range(self.columnCount())
            placed = self._rows_by_label(block)
            if placed is None:
                placed = [(top + r, line) for r, line in enumerate(block)]
            for row, line in placed:
                if row not in rows:
                    outside += sum(1 for raw in line if raw.strip())
                    continue
                first, last = max(0, -left), max(0, min(len(line), columns.stop - left))
                outside += sum(1 for raw in line[:first] + line[max(first, last):] if raw.strip())
                targets += [(row, left + c, line[c]) for c in range(first, last)]
        cells: Cells = {}
        problems: list[str] = []
        for row, column, raw in targets:
            key = self.key_at(self.index(row, column))
            if key is None:
                outside += 1 if raw.strip() else 0
                continue
            try:
                cells[key] = self.parse(*key, raw)
            except NumberError as e:
                problems.append(self.tr("{cell}:“{text}”未填入,{reason}").format(
                    cell=self.cell_label(*key), text=shown_text(raw), reason=e))
        if outside:
            problems.append(self.tr("有 {n} 个单元格超出了表格(或落在合计行上),未粘贴。").format(n=outside))
        self.change_cells(cells, self.tr("粘贴 {n} 个单元格").format(n=len(cells)))
        return problems

    def _rows_by_label(self, block: list[list[str]]) -> list[tuple[int, list[str]]] | None:
        """A block whose every row starts with a category's name (文学…其他, 合计), as copied
        from a sheet with its 案件类别 column: each row's numbers go to the row it names (the
        name itself is not pasted; 合计 is computed, so that row is left out)."""
        names, total = self.form.categories, self.form.total_label
        labels = {*names, total}
        if not all(len(line) > 1 and line[0] in labels for line in block):
            return None
        return [(names.index(line[0]), line[1:]) for line in block if line[0] != total]

    def copy_text(self, indexes: list[_Index]) -> str:
        """The selected cells as a tab-separated block, the way Excel and WPS read it."""
        if not indexes:
            return ""
        rows = [i.row() for i in indexes]
        columns = [i.column() for i in indexes]
        chosen = {(i.row(), i.column()) for i in indexes}
        lines = []
        for r in range(min(rows), max(rows) + 1):
            lines.append("\t".join(
                display_value(self.value(r, c)) if (r, c) in chosen else ""
                for c in range(min(columns), max(columns) + 1)))
        return "\r\n".join(lines) + "\r\n"

    # ------------------------------------------------------------ marks

    def _refresh_marks(self) -> None:
        """Rule findings always; blank cells only once the month has been started."""
        self._marks = {}
        started = any(v is not None for row in self._grid.values() for v in row.values())
        for finding in validate_grid(self.form, self._grid):
            if finding.rule is None and not started:
                continue
            self._marks.setdefault((finding.category, finding.measure), []).append(finding)

    def findings(self) -> list[Finding]:
        return validate_grid(self.form, self._grid)


def shown_text(raw: str, limit: int = 20) -> str:
    """Pasted text quoted back in a message: short, and with no control characters."""
    text = "".join(ch if ch.isprintable() else " " for ch in raw.strip())
    return text if len(text) <= limit else text[:limit] + "……"


def parse_tsv(text: str) -> list[list[str]]:
    """Rows of cells from clipboard text: tabs between cells, CR/LF between rows."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and lines[-1] == "":
        lines.pop()
    return [[cell.strip().strip('"') for cell in line.split("\t")] for line in lines]
