"""The findings panel: every error and warning of the month, and the month list."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor

from ..core.formdef import FormDefinition
from ..core.month_state import (CORRECTING, EXPORTED, HAS_ERRORS, IN_PROGRESS, NOT_STARTED,
                                VALIDATED, MonthStatus, days_left_text, due_text, reason_text)
from ..core.records import Value
from ..core.validation import SEVERITY_LABEL, Finding
from .statistics_model import display_value

if TYPE_CHECKING:
    from ..core.reconcile import Difference

FindingRole = Qt.ItemDataRole.UserRole + 1


class FindingsModel(QAbstractTableModel):
    COLUMNS = 3

    def __init__(self, form: FormDefinition, parent=None):
        super().__init__(parent)
        self.form = form
        self._findings: list[Finding] = []
        self._case_ids: list[int | None] = []

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._findings)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return (self.tr("级别"), self.tr("位置"), self.tr("说明"))[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        finding = self._findings[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (SEVERITY_LABEL[finding.severity], finding.location(self.form),
                    finding.message)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return finding.describe(self.form)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 0:
            return QColor("#b3261e" if finding.is_error else "#8a5a00")
        if role == FindingRole:
            return finding
        return None

    def set_findings(self, findings: list[Finding], case_ids: list[int | None]) -> None:
        """`case_ids[i]` is the store id of the case the findings call number i."""
        self.beginResetModel()
        self._findings = sorted(findings, key=lambda f: (not f.is_error,))
        self._case_ids = list(case_ids)
        self.endResetModel()

    def findings(self) -> list[Finding]:
        return self._findings

    def case_id(self, finding: Finding) -> int | None:
        if finding.case_index is None or finding.case_index >= len(self._case_ids):
            return None
        return self._case_ids[finding.case_index]

    def counts(self) -> tuple[int, int]:
        errors = sum(f.is_error for f in self._findings)
        return errors, len(self._findings) - errors


CHECKING = "checking"  # the state of a big month while it is checked on a worker thread
STATE_COLOURS = {NOT_STARTED: "#6b6b6b", IN_PROGRESS: "#1f5fa8", HAS_ERRORS: "#b3261e",
                 VALIDATED: "#1e7b34", EXPORTED: "#5b3c99", CORRECTING: "#a3520f",
                 CHECKING: "#6b6b6b"}
PeriodRole = Qt.ItemDataRole.UserRole + 2


class MonthListModel(QAbstractListModel):
    """The campaign's months with their state, due date and days left or overdue."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._statuses: list[MonthStatus] = []
        self.today = date.today()
        self._departments: dict[str, tuple[list[str], list[str]]] = {}

    def set_departments(self, departments: dict[str, tuple[list[str], list[str]]]) -> None:
        """At a 市(州)版权局: {period: (departments reported, departments not yet)}."""
        self._departments = dict(departments)
        if self._statuses:
            self.dataChanged.emit(self.index(0), self.index(len(self._statuses) - 1))

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._statuses)

    def set_statuses(self, statuses: list[MonthStatus], today: date) -> None:
        self.beginResetModel()
        self._statuses = list(statuses)
        self.today = today
        self.endResetModel()

    def update_status(self, status: MonthStatus) -> None:
        for row, old in enumerate(self._statuses):
            if old.period == status.period:
                self._statuses[row] = status
                self.dataChanged.emit(self.index(row), self.index(row))

    def status(self, row: int) -> MonthStatus:
        return self._statuses[row]

    def row_of(self, period: str) -> int:
        return [s.period for s in self._statuses].index(period)

    def state_text(self, state: str) -> str:
        """The core's states are Chinese already; 检查中 is this window's own."""
        return self.tr("检查中") if state == CHECKING else state

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        status = self._statuses[index.row()]
        month = status.month
        if role == Qt.ItemDataRole.DisplayRole:
            when = days_left_text(month.due, self.today)
            if status.state == EXPORTED:
                when = ""  # sent: the deadline no longer concerns the clerk
            line2 = self.tr("截止 {due}").format(due=due_text(month)) + (f" · {when}" if when else "")
            if status.period in self._departments:
                reported, missing = self._departments[status.period]
                line2 += self.tr(" · 部门 {n}/{total}").format(
                    n=len(reported), total=len(reported) + len(missing))
            return f"{month.label}  【{self.state_text(status.state)}】\n{line2}"
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(STATE_COLOURS[status.state])
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [f"{month.label}:{self.state_text(status.state)}"]
            if status.state == CORRECTING:
                parts.append(self.tr("更正原因:{reason};改好后请导出第{n}版").format(
                    reason=reason_text(status.reason), n=status.revision))
            if status.errors or status.warnings:
                parts.append(self.tr("{e} 个错误,{w} 个提示").format(e=status.errors, w=status.warnings))
            when = (self.tr("已导出") if status.state == EXPORTED
                    else days_left_text(month.due, self.today))
            parts.append(self.tr("截止日期:{y}年{due}({when})").format(
                y=month.due.year, due=due_text(month), when=when))
            if status.period in self._departments:
                reported, missing = self._departments[status.period]
                if reported:
                    parts.append(self.tr("已报送:{who}").format(who="、".join(reported)))
                if missing:
                    parts.append(self.tr("尚未报送:{who}").format(who="、".join(missing)))
            return "\n".join(parts)
        if role == PeriodRole:
            return status.period
        return None


class ReconcileModel(QAbstractTableModel):
    """附件1 against the sums of 附件2, one row per differing cell."""

    COLUMNS = 4

    def __init__(self, form: FormDefinition, parent=None):
        super().__init__(parent)
        self.form = form
        self._rows: list[Difference] = []

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return (self.tr("案件类别"), self.tr("项目"), self.tr("附件1 填写"),
                    self.tr("附件2 案件合计"))[section]
        return None

    def set_differences(self, rows: list[Difference]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def difference(self, row: int) -> Difference:
        return self._rows[row]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        d = self._rows[index.row()]

        def shown(v: Value) -> str:
            return self.tr("(空)") if v is None else display_value(v)

        return (d.category, self.form.measure(d.measure).label, shown(d.in_grid),
                shown(d.from_cases))[index.column()]
