"""Every received case in one register: the cases of the current revision of each bundle,
searchable by 市(州), month, category, source and free text."""

from __future__ import annotations

import json
from typing import NamedTuple

from .records import CASE_TEXT_FIELDS, CaseRecord
from .store import decode_value


class CaseFilter(NamedTuple):
    region: str | None = None
    period: str | None = None
    category: str | None = None
    source: str | None = None
    text: str | None = None  # found in any text field, ignoring letter case

    def matches(self, item: "ReceivedCase") -> bool:
        """The same test as search_cases, for a list already in memory (the GUI's filter)."""
        for wanted, got in ((self.region, item.region), (self.period, item.period),
                            (self.category, item.case.category),
                            (self.source, item.case.source)):
            if wanted and wanted != got:
                return False
        return self.matches_text(item.case)

    def matches_text(self, case: CaseRecord) -> bool:
        needle = (self.text or "").strip().casefold()
        return not needle or any(needle in case.text(k).casefold() for k in CASE_TEXT_FIELDS)


class ReceivedCase(NamedTuple):
    region: str
    department: str
    unit: str
    period: str
    revision: int
    case: CaseRecord


_CURRENT = (
    "SELECT b.id FROM received_bundles b WHERE b.campaign = ? AND b.kind = 'month' "
    "AND b.revision = (SELECT max(o.revision) FROM received_bundles o WHERE o.campaign = "
    "b.campaign AND o.kind = b.kind AND o.region = b.region AND o.department = b.department "
    "AND o.period = b.period)")


def search_cases(store, where: CaseFilter = CaseFilter()) -> list[ReceivedCase]:
    sql = ("SELECT b.region, b.department, b.unit, b.period, b.revision, "
           + ", ".join(f"c.{k}" for k in CASE_TEXT_FIELDS) + ", c.category, c.measures "
           "FROM received_cases c JOIN received_bundles b ON b.id = c.bundle_id "
           f"WHERE c.bundle_id IN ({_CURRENT})")
    args: list = [store.form.campaign]
    for column, value in (("b.region", where.region), ("b.period", where.period),
                          ("c.category", where.category), ("c.source", where.source)):
        if value:
            sql += f" AND {column} = ?"
            args.append(value)
    sql += " ORDER BY b.period, b.region, b.department, c.position"
    out = []
    for region, department, unit, period, revision, *rest in store.db.execute(sql, args):
        *texts, category, measures = rest
        decoded = {k: decode_value(store.form, k, v) for k, v in json.loads(measures).items()
                   if k in store.form.measure_keys}
        case = CaseRecord(*texts, category=category, measures=decoded)
        if where.matches_text(case):
            out.append(ReceivedCase(region, department, unit, period, revision, case))
    return out
