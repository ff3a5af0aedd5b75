"""Who reported which month, on time or not: the province's completeness matrix.

A bundle is on time when its `created` time, read in China Standard Time
(core.china_time), falls on or before the month's due date in the form definition — that
is, up to 23:59:59 of the due day. The first revision received decides on time / late (a
correction made after the deadline does not make a punctual office late); the current
revision is shown beside it.
`created` is the sender's clock; it is signed, so it cannot be changed in transit.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from .china_time import CHINA
from .receiving import Received, received
from .roles import Sender, senders_of

ON_TIME, LATE, MISSING, NOT_DUE = "on_time", "late", "missing", "not_due"
LABELS = {ON_TIME: "按时", LATE: "逾期", MISSING: "未报", NOT_DUE: "未到期"}


class Cell(NamedTuple):
    sender: Sender
    period: str
    status: str  # ON_TIME / LATE / MISSING / NOT_DUE
    revision: int = 0  # the current revision; 0 when nothing was received
    days_late: int = 0
    first_created: str | None = None
    current: Received | None = None

    @property
    def corrected(self) -> bool:
        return self.revision > 1

    @property
    def label(self) -> str:
        text = LABELS[self.status]
        if self.status == LATE:
            text += f"{self.days_late}天"
        if self.corrected:
            text += f"(更正,第{self.revision}版)"
        return text

    def as_dict(self) -> dict:
        return {"region": self.sender.region, "department": self.sender.department,
                "period": self.period, "status": self.status, "label": self.label,
                "revision": self.revision, "corrected": self.corrected,
                "days_late": self.days_late, "first_created": self.first_created,
                "current_created": self.current.created if self.current else None,
                "fingerprint": self.current.fingerprint if self.current else None,
                "bundle_sha256": self.current.sha256 if self.current else None}


class Matrix(NamedTuple):
    periods: tuple[str, ...]
    senders: tuple[Sender, ...]
    cells: dict[tuple[Sender, str], Cell]

    def cell(self, sender: Sender, period: str) -> Cell:
        return self.cells[(sender, period)]

    def status_count(self, period: str, status: str) -> int:
        return sum(self.cells[(s, period)].status == status for s in self.senders)

    def as_dict(self) -> dict:
        return {"periods": list(self.periods),
                "rows": [{"label": s.label, "region": s.region, "department": s.department,
                          "cells": [self.cells[(s, p)].as_dict() for p in self.periods]}
                         for s in self.senders]}


def created_day(created: str) -> date:
    return datetime.fromisoformat(created).astimezone(CHINA).date()


def cell_for(sender: Sender, period: str, due: date, revisions: list[Received],
             today: date) -> Cell:
    if not revisions:
        return Cell(sender, period, NOT_DUE if today <= due else MISSING)
    first = min(revisions, key=lambda r: r.revision)
    current = max(revisions, key=lambda r: r.revision)
    late_by = (created_day(first.created) - due).days
    return Cell(sender, period, LATE if late_by > 0 else ON_TIME, current.revision,
                max(late_by, 0), first.created, current)


def completeness(store, today: date | None = None) -> Matrix:
    today = today or datetime.now(CHINA).date()
    senders = tuple(senders_of(store.profile()))
    by_office: dict[tuple[Sender, str], list[Received]] = {}
    for item in received(store):
        by_office.setdefault((item.sender, item.period), []).append(item)
    cells = {}
    for month in store.form.months:
        for sender in senders:
            cells[(sender, month.period)] = cell_for(
                sender, month.period, month.due, by_office.get((sender, month.period), []), today)
    return Matrix(store.form.periods, senders, cells)


def documents(store, today: date | None = None) -> dict[str, dict[Sender, Cell]]:
    """{deadline key: {sender: cell}} for the 工作计划 and 工作总结 (see core/attachments)."""
    today = today or datetime.now(CHINA).date()
    senders = senders_of(store.profile())
    out = {}
    for deadline in store.form.deadlines:
        by_sender: dict[Sender, list[Received]] = {}
        for item in received(store, deadline.key):
            by_sender.setdefault(item.sender, []).append(item)
        period = deadline.due.strftime("%Y-%m")
        out[deadline.key] = {s: cell_for(s, period, deadline.due, by_sender.get(s, []), today)
                             for s in senders}
    return out
