"""附件1 against 附件2: do the month's figures match what its cases add up to?"""

from __future__ import annotations
from typing import NamedTuple


from .formdef import FormDefinition
from .records import CaseRecord, Grid, Value, grid_from_cases


class Difference(NamedTuple):
    """A cell of 附件1 that differs from the sum of the month's cases in 附件2."""
    category: str
    measure: str
    in_grid: Value  # None: the 附件1 cell is blank
    from_cases: Value


def reconcile(form: FormDefinition, grid: Grid, cases: list[CaseRecord]) -> list[Difference]:
    """Every cell where 附件1 differs from the cases' sum (a blank cell differs from any sum)."""
    implied = grid_from_cases(form, cases)
    differences = []
    for category in form.categories:
        for key in form.measure_keys:
            have, want = grid[category][key], implied[category][key]
            if have is None and not want:
                continue  # nothing reported either way
            if have != want:
                differences.append(Difference(category, key, have, want))
    return differences


def grid_is_empty(grid: Grid) -> bool:
    return all(v is None for row in grid.values() for v in row.values())
