"""Who reports: the 市(州) of 四川省, their departments, and the filer's details."""

from __future__ import annotations

import json
from functools import cache
from typing import NamedTuple

from .resources import resource_path


class Department(NamedTuple):
    """An office that reports (版权局, 公安局, 网信办…) and the 市(州) that have it."""
    name: str
    kind: str  # copyright / police / cyberspace: which provincial office it reports to
    regions: tuple[str, ...] | None  # None: every 市(州)


class Geography(NamedTuple):
    """The province, its 21 市(州) and the departments of each, from resources/regions.json."""
    province: str
    regions: tuple[str, ...]
    departments: tuple[Department, ...]
    provincial_departments: tuple[Department, ...]

    def departments_of(self, region: str) -> tuple[Department, ...]:
        if region == self.province:
            return self.provincial_departments
        return tuple(d for d in self.departments if d.regions is None or region in d.regions)

    def department(self, region: str, name: str) -> Department | None:
        for d in self.departments_of(region):
            if d.name == name:
                return d
        return None

    def default_unit(self, region: str, department: str) -> str:
        if region == self.province:
            return department
        return f"{region}{department}"

    def filers(self) -> list[tuple[str, str]]:
        """Every (region, department) pair that reports to the province."""
        return [(r, d.name) for r in self.regions for d in self.departments_of(r)]


@cache
def geography() -> Geography:
    data = json.loads(resource_path("regions.json").read_text(encoding="utf-8"))

    def dept(d: dict) -> Department:
        regions = d.get("regions", "all")
        return Department(d["name"], d["kind"], None if regions == "all" else tuple(regions))

    return Geography(
        province=data["province"],
        regions=tuple(data["regions"]),
        departments=tuple(dept(d) for d in data["departments"]),
        provincial_departments=tuple(dept(d) for d in data["provincial_departments"]),
    )


class Profile(NamedTuple):
    """The office this installation reports for: what `jianwang init` sets."""

    region: str
    department: str
    unit: str
    filler: str
    phone: str

    def as_dict(self) -> dict[str, str]:
        return self._asdict()
