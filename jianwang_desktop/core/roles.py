"""Who receives what (the notice's 附件1/附件2 notes): a 市(州)版权局 sums the figures of its
own 公安局 and 网信办; 省版权局 receives every 市(州)版权局 and 成都市文化市场综合执法总队,
省公安厅 every 公安局, 省网信办 every 网信办. From that, what an office's window shows:
the province's pages, a city's 本市汇总, or only its own month.
"""

from __future__ import annotations

from typing import NamedTuple

from .domain import Department, Profile, geography

PROVINCE_ROLE, CITY_ROLE, OFFICE_ROLE = "province", "city", "office"


class Sender(NamedTuple):
    """An office whose bundles this office receives."""

    region: str
    department: str

    @property
    def label(self) -> str:
        """How the province's matrix names a row: the 市(州), or the unit beside it."""
        return self.region if self.department == "版权局" else f"{self.region}{self.department}"


def is_province(profile: Profile) -> bool:
    return profile.region == geography().province


def senders_of(profile: Profile | None) -> list[Sender]:
    """The offices whose bundles this office receives, in the order of regions.json."""
    if profile is None:
        return []
    geo = geography()
    if is_province(profile):
        own = geo.department(profile.region, profile.department)
        if own is None:
            return []
        return [Sender(r, d.name) for r in geo.regions for d in geo.departments_of(r)
                if d.kind == own.kind]
    if profile.department != "版权局":
        return []
    return [Sender(profile.region, d.name) for d in geo.departments_of(profile.region)
            if _summed_at_city(d)]


def _summed_at_city(department: Department) -> bool:
    # 成都市文化市场综合执法总队 reports to 省版权局 itself, not through 成都市版权局.
    return department.kind != "copyright"


def is_city_office(profile) -> bool:
    return profile is not None and not is_province(profile) and bool(senders_of(profile))


def receiving_role(profile) -> str:
    """What an office does with received bundles: the province collects every 市(州), a
    市(州)版权局 sums its departments, any other office receives nothing."""
    if profile is not None and is_province(profile):
        return PROVINCE_ROLE
    return CITY_ROLE if is_city_office(profile) else OFFICE_ROLE
