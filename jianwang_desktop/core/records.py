"""One office's month: the 附件1 grid and the 附件2 cases, held exactly."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from .formdef import FormDefinition
from .money import sum_amounts

Value = int | Decimal | None  # None: the cell is blank (blank is not zero)
Grid = dict[str, dict[str, Value]]  # category -> measure key -> value

CASE_TEXT_FIELDS = ("number", "name", "handling_unit", "source", "summary", "result", "remarks")


@dataclass(slots=True)  # no per-case __dict__: a month may hold 100,000 of them
class CaseRecord:
    """One case of 附件2: its texts, its category and its figures by measure."""
    number: str = ""
    name: str = ""
    handling_unit: str = ""
    source: str = ""
    summary: str = ""
    result: str = ""
    remarks: str = ""
    category: str = ""
    # A dict, or for a case read from the store a read-only mapping shared with the other
    # cases whose figures are the same: change a copy (`copy`), never a read case's own.
    # The mapping cannot be pickled or deep-copied either; `copy` gives a dict.
    measures: Mapping[str, int | Decimal] = field(default_factory=dict)
    id: int | None = None  # the store's row id; None until stored

    def text(self, key: str) -> str:
        return getattr(self, key)

    def copy(self, **changes) -> "CaseRecord":
        return replace(self, measures=dict(self.measures), **changes)


@dataclass
class MonthData:
    """A month as stored: the 附件1 grid and the cases of 附件2 in their order."""
    period: str
    statistics: Grid
    cases: list[CaseRecord]


def empty_grid(form: FormDefinition) -> Grid:
    return {c: {m: None for m in form.measure_keys} for c in form.categories}


def zero_of(form: FormDefinition, key: str) -> int | Decimal:
    return Decimal(0) if form.measure(key).is_amount else 0


def zero_measures(form: FormDefinition) -> dict[str, int | Decimal]:
    return {m: zero_of(form, m) for m in form.measure_keys}


def column_total(form: FormDefinition, grid: Grid, key: str) -> int | Decimal | None:
    """The 合计 of one measure: exact, or None while every cell of it is blank."""
    values = [grid[c][key] for c in form.categories if grid[c][key] is not None]
    if not values:
        return None
    if form.measure(key).is_amount:
        return sum_amounts(values)
    return sum(values)


def totals_row(form: FormDefinition, grid: Grid) -> dict[str, Value]:
    return {m: column_total(form, grid, m) for m in form.measure_keys}


def grid_from_cases(form: FormDefinition, cases: list[CaseRecord]) -> Grid:
    """The 附件1 figures that the month's cases add up to (used to reconcile the forms)."""
    grid: Grid = {c: zero_measures(form) for c in form.categories}
    for case in cases:
        row = grid.get(case.category)
        if row is None:
            continue
        for key in form.measure_keys:
            row[key] = row[key] + case.measures.get(key, zero_of(form, key))
    return grid


