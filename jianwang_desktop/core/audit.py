"""The audit trail of 更正: what changed in a month after its first export, and who changed it.

The store takes a snapshot of the month's stored rows before each write while a 更正 is
open, compares it with the rows after the write, and records every difference in the
same transaction (`Store._writing_month`). Values are kept as the store's canonical text,
so an amount reads back exactly as it was typed.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from .china_time import time_text
from .formdef import FormDefinition
from .records import CASE_TEXT_FIELDS

CELL = "cell"
CASE_ADDED = "case_added"
CASE_REMOVED = "case_removed"
CASE_CHANGED = "case_changed"
ACTIONS = (CELL, CASE_ADDED, CASE_REMOVED, CASE_CHANGED)
CASE_FIELDS = (*CASE_TEXT_FIELDS, "category")
MEASURE_PREFIX = "measure:"


class Snapshot(NamedTuple):
    cells: dict[tuple[str, str], str]  # (category, measure key) -> canonical text
    cases: dict[int, dict[str, str]]  # row id -> field -> canonical text


class Change(NamedTuple):
    action: str  # one of ACTIONS
    target: str  # the category of a cell; the number of a case
    field: str  # the measure key of a cell; a case field or "measure:<key>"; "" for a whole case
    old: str | None
    new: str | None


class AuditEntry(NamedTuple):
    revision: int  # the revision the change will be exported in
    at: str
    filler: str
    reason: str
    action: str
    target: str
    field: str
    old: str | None
    new: str | None

    def as_dict(self) -> dict[str, Any]:
        return self._asdict()

    def describe(self, form: FormDefinition) -> str:
        """One line in Chinese, e.g. `侵权盗版案件 罚款金额(万元):1.5 → 2`."""
        if self.action == CELL:
            return (f"附件1 {self.target} {_measure_label(form, self.field)}:"
                    f"{_shown(self.old)} → {_shown(self.new)}")
        if self.action == CASE_ADDED:
            return f"附件2 新增案件 {self.target}:{_case_text(form, self.new)}"
        if self.action == CASE_REMOVED:
            return f"附件2 删除案件 {self.target}:{_case_text(form, self.old)}"
        return (f"附件2 案件 {self.target} {field_label(form, self.field)}:"
                f"{_shown(self.old)} → {_shown(self.new)}")


def field_label(form: FormDefinition, name: str) -> str:
    if name.startswith(MEASURE_PREFIX):
        return _measure_label(form, name[len(MEASURE_PREFIX):])
    if name == "category":
        return "案件类别"
    try:
        return form.case_column(name).heading
    except KeyError:
        return name


def _measure_label(form: FormDefinition, key: str) -> str:
    try:
        measure = form.measure(key)
    except KeyError:
        return key
    return f"{measure.label}({measure.unit})" if measure.unit else measure.label


def _shown(text: str | None) -> str:
    return "(空)" if text is None or text == "" else text


def _case_text(form: FormDefinition, encoded: str | None) -> str:
    try:
        fields = json.loads(encoded) if encoded else {}
    except ValueError:
        fields = None
    if not isinstance(fields, dict):  # from a received changes.json: show it as it is
        return _shown(encoded)
    return ";".join(f"{field_label(form, k)}:{v}" for k, v in fields.items() if v != "")


# ---------------------------------------------------------------- snapshots and differences


def case_fields(row: dict[str, str]) -> dict[str, str]:
    """A stored case row as flat fields: text fields, category, one field per measure."""
    fields = {k: row[k] for k in CASE_FIELDS}
    for key, value in sorted(json.loads(row["measures"]).items()):
        fields[MEASURE_PREFIX + key] = value
    return fields


def differences(before: Snapshot, after: Snapshot) -> list[Change]:
    changes = [
        Change(CELL, category, key, before.cells.get((category, key)),
               after.cells.get((category, key)))
        for category, key in sorted(set(before.cells) | set(after.cells))
        if before.cells.get((category, key)) != after.cells.get((category, key))
    ]
    return changes + _case_differences(before.cases, after.cases)


def _case_differences(before: dict[int, dict], after: dict[int, dict]) -> list[Change]:
    # The same row id is the same case (an edit); a case replaced by `load` has a new id
    # but keeps its number, so the rest are paired by number.
    pairs = [(before[i], after[i]) for i in sorted(set(before) & set(after))]
    gone = {i: before[i] for i in sorted(set(before) - set(after))}
    new = {i: after[i] for i in sorted(set(after) - set(before))}
    by_number = {}
    for i, fields in new.items():
        by_number.setdefault(fields["number"].strip(), i)
    for i, fields in list(gone.items()):
        match = by_number.get(fields["number"].strip()) if fields["number"].strip() else None
        if match is not None and match in new:
            pairs.append((fields, new.pop(match)))
            del gone[i]
    changes = []
    for old, now in pairs:
        number = now["number"] or old["number"]
        for name in sorted(set(old) | set(now), key=_field_order):
            if old.get(name) != now.get(name):
                changes.append(Change(CASE_CHANGED, number, name, old.get(name), now.get(name)))
    changes += [Change(CASE_REMOVED, f["number"], "", _encoded(f), None) for f in gone.values()]
    changes += [Change(CASE_ADDED, f["number"], "", None, _encoded(f)) for f in new.values()]
    return changes


def _field_order(name: str) -> tuple[int, str]:
    return (CASE_FIELDS.index(name), "") if name in CASE_FIELDS else (len(CASE_FIELDS), name)


def _encoded(fields: dict[str, str]) -> str:
    return json.dumps(fields, ensure_ascii=False)


def version_lines(store, period: str) -> list[str]:
    """The exported revisions of a month and the 更正 under way, one line each."""
    from .signing import grouped

    label = store.form.month(period).label
    exports = store.exports(period)
    if not exports:
        return [f"{label}还没有导出过,没有版本和修改记录。"]
    lines = [f"{label}的版本:"]
    for record in exports:
        why = f",更正原因:{record.reason}" if record.reason else ""
        lines.append(f"  第{record.revision}版  {time_text(record.created)}  "
                     f"签名公钥指纹 {grouped(record.fingerprint)}{why}")
    state = store.export_state(period)
    if state.correction_reason is not None:
        lines.append(f"  第{state.next_revision}版(更正中,尚未导出),"
                     f"更正原因:{state.correction_reason}")
    return lines


def history_lines(store, period: str) -> list[str]:
    """The versions of a month and what each 更正 changed (`jianwang history`)."""
    lines = version_lines(store, period)
    if not store.exports(period):
        return lines
    trail = store.audit_trail(period)
    if not trail:
        return lines + ["导出后没有修改记录。"]
    lines.append("导出后的修改记录:")
    for entry in trail:
        lines.append(f"  [第{entry.revision}版] {time_text(entry.at)}  填报人:{entry.filler}  "
                     f"原因:{entry.reason}")
        lines.append(f"      {entry.describe(store.form)}")
    return lines
