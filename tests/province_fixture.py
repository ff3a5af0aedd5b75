"""A seeded province: random valid months for every office, exported as signed bundles.

Each office has its own database folder (so its own key). Figures are random but valid
(a fine needs a closed case, an involved amount a transfer); the expected sums are kept
here as plain data so tests can compute them independently of the code under test.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from jianwang_desktop.core.bundle import export_month
from jianwang_desktop.core.domain import Profile, geography
from jianwang_desktop.core.formdef import FormDefinition
from jianwang_desktop.core.records import CaseRecord, Grid, MonthData
from jianwang_desktop.core.store import Store
from jianwang_desktop.core.completeness import CHINA

PERIODS = ("2015-07", "2015-08", "2015-09", "2015-10", "2015-11")
PROVINCE = Profile("四川省", "省版权局", "四川省版权局", "王五", "028-86697093")


def office_profile(region: str, department: str) -> Profile:
    return Profile(region, department, geography().default_unit(region, department), "李四",
                   "0816-2345678")


def random_grid(form: FormDefinition, rng: random.Random) -> Grid:
    grid = {}
    for category in form.categories:
        closed = rng.randint(0, 5)
        transferred = rng.randint(0, 3)
        grid[category] = {
            "filed": closed + rng.randint(0, 3),
            "closed": closed,
            "fine": Decimal(rng.randint(1, 10**7)) / 10000 if closed else Decimal(0),
            "transferred": transferred,
            "involved": Decimal(rng.randint(1, 10**8)) / 10000 if transferred else Decimal(0),
            "sites_closed": rng.randint(0, 9),
            "servers": rng.randint(0, 4),
        }
    return grid


def random_cases(form: FormDefinition, rng: random.Random, period: str, count: int,
                 unit: str) -> list[CaseRecord]:
    cases = []
    for i in range(count):
        category = rng.choice(form.categories)
        cases.append(CaseRecord(
            number=f"{period.replace('-', '')}-{i + 1:03d}", name=f"{unit}查处{category}侵权案{i + 1}",
            handling_unit=unit, source=rng.choice(list(form.sources)),
            summary=f"随机生成的案情 {rng.randint(1, 10**6)}", result="责令停止侵权",
            remarks="", category=category,
            measures={"filed": 1, "closed": 0, "fine": Decimal(0), "transferred": 0,
                      "involved": Decimal(0), "sites_closed": rng.randint(0, 1), "servers": 0}))
    return cases


def due_time(form: FormDefinition, period: str, days_after: int = 0) -> datetime:
    due = form.month(period).due + timedelta(days=days_after)
    return datetime.combine(due, time(17, 0), CHINA)


@dataclass
class Office:
    profile: Profile
    db: Path
    grids: dict[str, Grid] = field(default_factory=dict)  # what was entered, by period
    bundles: dict[str, Path] = field(default_factory=dict)  # exported, by period

    def store(self) -> Store:
        return Store(self.db)


def make_office(root: Path, profile: Profile) -> Office:
    folder = root / f"{profile.region}-{profile.department}"
    folder.mkdir(parents=True)
    office = Office(profile, folder / "jianwang.db")
    with office.store() as store:
        store.set_profile(profile)
    return office


def police_and_city(root: Path) -> tuple[Office, Office, Path]:
    """绵阳市公安局 and 绵阳市版权局, which receives its bundles, each an installation of its
    own, and the folder the bundles are exported to."""
    out = root / "out"
    out.mkdir()
    return (make_office(root, office_profile("绵阳市", "公安局")),
            make_office(root, office_profile("绵阳市", "版权局")), out)


def fill_and_export(office: Office, period: str, rng: random.Random, out: Path,
                    cases: int = 1, created: datetime | None = None) -> Path:
    with office.store() as store:
        grid = random_grid(store.form, rng)
        store.replace_month(MonthData(period, grid, random_cases(
            store.form, rng, period, cases, office.profile.unit)))
        office.grids[period] = grid
        result = export_month(store, period, out, now=created or due_time(store.form, period, -2))
    office.bundles[period] = result.path
    return result.path


def exact_sum(grids: list[Grid], category: str, key: str):
    """Independent of the code under test: plain Python addition."""
    values = [g[category][key] for g in grids]
    return sum(values[1:], values[0])
