"""Sample months for tests and screenshots, built through the public core API."""

from __future__ import annotations

from decimal import Decimal

from jianwang_desktop.core.formdef import FormDefinition
from jianwang_desktop.core.records import CaseRecord, MonthData


def full_grid(form: FormDefinition, seed: int = 1):
    grid = {}
    for i, category in enumerate(form.categories):
        n = (seed + i) % 4
        grid[category] = {
            "filed": n + 1,
            "closed": n,
            "fine": Decimal(n) * Decimal("0.75") if n else Decimal(0),
            "transferred": n % 2,
            "involved": Decimal("12.3456") if n % 2 else Decimal(0),
            "sites_closed": n,
            "servers": 2 * n,
        }
    return grid


def sample_case(form: FormDefinition, i: int, category: str = "音乐") -> CaseRecord:
    return CaseRecord(
        number=f"201508-{i:03d}",
        name=f"某音乐网站未经许可传播音乐作品案{i}",
        handling_unit="绵阳市文化市场综合执法支队",
        source="权利人投诉",
        summary="经查,该网站未经权利人许可,\n通过信息网络向公众传播音乐作品 300 余首。",
        result="责令删除侵权作品,罚款 0.5 万元。",
        remarks="",
        category=category,
        measures={"filed": 1, "closed": 1, "fine": Decimal("0.5"), "transferred": 0,
                  "involved": Decimal(0), "sites_closed": 1, "servers": 0},
    )


def sample_month(form: FormDefinition, period: str = "2015-08", cases: int = 3) -> MonthData:
    return MonthData(period, full_grid(form), [sample_case(form, i + 1) for i in range(cases)])
