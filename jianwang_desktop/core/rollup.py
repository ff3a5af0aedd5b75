"""Exact sums of 附件1 figures: a 市(州)'s total, the province's totals.

The clerk edits only the office's own figures (Store.load_month / set_cells); what is
exported, dumped and checked is `combined_month`: at a 市(州)版权局 its own figures plus the
current bundles of its 公安局 and 网信办, at the province the current bundles of every
市(州) (figures only: the received cases are in the register, core/register.py). Counts are ints and amounts Decimals; nothing is ever rounded.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from .formdef import FormDefinition
from .receiving import Received, current_bundles, received_grid
from .records import Grid, MonthData, Value, empty_grid, totals_row
from .roles import Sender, is_city_office, is_province, senders_of


class Contribution(NamedTuple):
    """One department's figures inside a total, from its current bundle."""

    bundle: Received
    grid: Grid

    @property
    def sender(self) -> Sender:
        return self.bundle.sender


def sum_grids(form: FormDefinition, grids: list[Grid], strict: bool = True) -> Grid:
    """Cell by cell. strict: a cell blank in any input stays blank (so validation still
    says it is unfilled); otherwise blanks are skipped and a cell is blank only when it
    is blank everywhere."""
    out = empty_grid(form)
    for category in form.categories:
        for key in form.measure_keys:
            values = [g[category][key] for g in grids]
            if not values or (strict and any(v is None for v in values)):
                continue
            present = [v for v in values if v is not None]
            if not present:
                continue
            zero = Decimal(0) if form.measure(key).is_amount else 0
            out[category][key] = sum(present, zero)
    return out


def contributions(store, period: str) -> list[Contribution]:
    """The current bundles summed into this office's month, in the order of regions.json."""
    profile = store.profile()
    current = current_bundles(store, period)
    return [Contribution(current[s], received_grid(store, current[s].id))
            for s in senders_of(profile) if s in current]


def stale_export(store, period: str) -> int | None:
    """The revision of the month's export when its city total no longer includes exactly the
    current department bundles (one was imported after it); None when it is up to date."""
    import io
    import json
    import zipfile

    record = store.current_export(period)
    if record is None:
        return None
    with zipfile.ZipFile(io.BytesIO(store.exported_bundle(period, record.revision))) as z:
        data = json.loads(z.read("data.json"))
    included = {c["bundle_sha256"] for c in data.get("contributions", [])}
    if included == {c.bundle.sha256 for c in contributions(store, period)}:
        return None
    return record.revision


def combined_month(store, period: str) -> MonthData:
    """The month as it is exported: own figures plus what was received (see module doc)."""
    store.form.month(period)
    profile = store.profile()
    if profile is not None and is_province(profile):
        parts = contributions(store, period)
        grid = (sum_grids(store.form, [c.grid for c in parts]) if parts
                else empty_grid(store.form))
        # Case numbers are unique per office only, so the received cases stay in the
        # register (register.search_cases) instead of one month's 附件2.
        return MonthData(period, grid, [])
    own = store.load_month(period)
    if not is_city_office(profile):
        return own
    parts = contributions(store, period)
    if not parts:
        return own
    grid = sum_grids(store.form, [own.statistics] + [c.grid for c in parts])
    return MonthData(period, grid, own.cases)


def contribution_dicts(store, period: str) -> list[dict] | None:
    """data.json's `contributions` at a 市(州)版权局 that has imported departments' bundles;
    None otherwise (no such key, so an office's own bundle is as it always was)."""
    from .interchange import month_to_dict
    from .domain import Profile

    profile = store.profile()
    if not is_city_office(profile):
        return None
    out = []
    for c in contributions(store, period):
        b = c.bundle
        header = Profile(b.region, b.department, b.unit, "", "")
        statistics = month_to_dict(store.form, header, MonthData(period, c.grid, []))
        out.append({"department": b.department, "unit": b.unit, "revision": b.revision,
                    "bundle_sha256": b.sha256, "statistics": statistics["statistics"]})
    return out or None


def monthly_totals(store) -> dict[str, Grid]:
    """{period: the month's combined 附件1} for every month of the campaign."""
    return {period: combined_month(store, period).statistics for period in store.form.periods}


def campaign_to_date(store, months: dict[str, Grid] | None = None) -> Grid:
    """Every month so far added up; a month not reported adds nothing."""
    months = monthly_totals(store) if months is None else months
    return sum_grids(store.form, list(months.values()), strict=False)


class BreakdownRow(NamedTuple):
    """One line of a 市(州)'s breakdown: the office itself, a department, or the total."""

    source: str  # 本单位 / the department's name / 合计
    totals: dict[str, Value] | None  # the 合计 row of its figures; None: not reported yet
    bundle: Received | None = None  # the department's current bundle

    @property
    def reported(self) -> bool:
        return self.totals is not None


def city_breakdown(store, period: str) -> list[BreakdownRow]:
    """本单位, each department of the city (reported or not), then the city total."""
    form = store.form
    current = {c.sender: c for c in contributions(store, period)}
    rows = [BreakdownRow("本单位", totals_row(form, store.load_grid(period)))]
    for sender in senders_of(store.profile()):
        part = current.get(sender)
        rows.append(BreakdownRow(sender.department,
                                 totals_row(form, part.grid) if part else None,
                                 part.bundle if part else None))
    rows.append(BreakdownRow("合计", totals_row(form, combined_month(store, period).statistics)))
    return rows
