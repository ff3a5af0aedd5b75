"""Where each month of the campaign stands: 未填写 / 填写中 / 有错误 / 已校验 / 已导出 / 更正中.

Qt-free so that the command line and the window show the same state.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from .formdef import Month
from .records import MonthData
from .validation import Finding, validate_month

NOT_STARTED = "未填写"
IN_PROGRESS = "填写中"
HAS_ERRORS = "有错误"
VALIDATED = "已校验"
EXPORTED = "已导出"
CORRECTING = "更正中"  # exported before, a 更正 opened: the next revision is not exported yet


class MonthStatus(NamedTuple):
    """Where a month stands (未填写 … 已导出) with its counts of errors and warnings."""
    month: Month
    state: str
    errors: int = 0
    warnings: int = 0
    revision: int = 0  # while 更正中: the revision to export next
    reason: str | None = None  # while 更正中: why the 更正 was opened

    @property
    def period(self) -> str:
        return self.month.period


def is_blank_cell(finding: Finding) -> bool:
    """A 附件1 cell not filled in yet: the month is unfinished rather than wrong."""
    return finding.section == "statistics" and finding.rule is None


def state_of(has_data: bool, findings: list[Finding], exported: bool = False,
             correcting: bool = False) -> str:
    if exported:
        return EXPORTED
    if correcting:
        return CORRECTING
    if not has_data:
        return NOT_STARTED
    errors = [f for f in findings if f.is_error]
    if not errors:
        return VALIDATED
    if all(is_blank_cell(f) for f in errors):
        return IN_PROGRESS
    return HAS_ERRORS


def month_status(store, period: str, month: MonthData | None = None,
                 findings: list[Finding] | None = None) -> MonthStatus:
    """The state of one month; pass what is already loaded/validated to avoid doing it twice."""
    definition = store.form.month(period)
    has_data = store.has_data(period)
    if has_data and findings is None:
        findings = validate_month(store.form, month or store.load_month(period))
    findings = findings or []
    errors = sum(f.is_error for f in findings) if has_data else 0
    warnings = (len(findings) - errors) if has_data else 0
    export = store.export_state(period)
    correcting = export.exported > 0 and not export.locked
    state = state_of(has_data, findings, export.locked, correcting)
    if correcting:
        return MonthStatus(definition, state, errors, warnings, export.next_revision,
                           export.correction_reason)
    return MonthStatus(definition, state, errors, warnings)


def days_left_text(due: date, today: date) -> str:
    days = (due - today).days
    if days > 0:
        return f"还有 {days} 天"
    if days == 0:
        return "今天截止"
    return f"已逾期 {-days} 天"


def reason_text(reason: str | None, limit: int = 60) -> str:
    """A 更正原因 as a line of the window (the banner of the month, its tooltip in the list):
    on one line, without the full stop it may end with (it is shown in brackets or before
    a semicolon), and cut at `limit` characters with an ellipsis (up to 500 may be stored)."""
    text = " ".join((reason or "").split()).rstrip("。.;;,,")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def date_text(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def due_text(month: Month) -> str:
    return f"{month.due.month}月{month.due.day}日"


def no_bundle_text(store, period: str, how: str) -> str:
    """Why a month has no bundle to send, and how to export it (`how`: the command, or the
    menu in the window): never exported, or under 更正 with its next revision not exported."""
    label = store.form.month(period).label
    state = store.export_state(period)
    if state.exported:
        return f"{label}正在更正,请导出第{state.next_revision}版后再生成邮件草稿({how})"
    return f"{label}还没有导出的数据包:请先导出该月({how})"
