"""The campaign's forms, read from a definition file in resources/forms/.

Categories, measures, headings, notes, case columns, source choices, due dates and
validation rules all come from the file, so next year's campaign is a new file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property
from pathlib import Path
from typing import NamedTuple

from .errors import UserError, visible
from .resources import resource_path

FORM_FORMAT = "jianwang-form/1"
_EMAIL_SLOT = re.compile(r"([,,]?邮箱[::])\{email:(\w+)\}")


class Measure(NamedTuple):
    """A column of 附件1: a count (件, 家, 台) or an amount in 万元 with its decimal places."""
    key: str
    type: str  # "count" or "amount"
    unit: str
    label: str
    group: str | None
    heading: str
    places: int = 0

    @property
    def is_amount(self) -> bool:
        return self.type == "amount"


class Month(NamedTuple):
    """A reporting month of the campaign and the day its reports are due."""
    period: str  # "2015-08"
    due: date

    @property
    def year(self) -> int:
        return int(self.period[:4])

    @property
    def month(self) -> int:
        return int(self.period[5:7])

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"


class Deadline(NamedTuple):
    """A document other than the monthly reports (工作计划, 工作总结): when and to whom."""
    key: str
    label: str
    due: date
    to: str


class CaseColumn(NamedTuple):
    """A column of 附件2, with what the notice and the printed form allow in it."""
    key: str
    heading: str
    required: bool
    max_length: int
    multiline: bool


class Rule(NamedTuple):
    """A check of the figures, from the form definition: when it applies and what it requires."""
    id: str
    severity: str
    applies_to: tuple[str, ...]
    when: tuple | None
    require: tuple
    message: str


class PrintedForm(NamedTuple):
    """One attachment as printed: its title, region line, footer and notes, word for word."""
    attachment: str
    title: str
    region_line: str
    footer: tuple[str, ...]
    notes: tuple[str, ...]
    filers: tuple[str, ...]

    def region_text(self, region: str) -> str:
        return self.region_line.format(region=region)

    def notes_text(self, emails: dict[str, str] | None = None) -> list[str]:
        """The notes as printed, with the provincial e-mail addresses filled in.

        The published notice hides the addresses; where the office has not given one,
        the words ",邮箱:" go too rather than leaving a dangling label.
        """
        emails = emails or {}

        def address(match: re.Match) -> str:
            email = emails.get(match.group(2), "")
            return f"{match.group(1)}{email}" if email else ""

        return [_EMAIL_SLOT.sub(address, note) for note in self.notes]


@dataclass(frozen=True)
class FormDefinition:
    """A campaign's forms as data: months, categories, measures, case columns, rules."""
    campaign: str
    full_name: str
    notice: str
    months: tuple[Month, ...]
    deadlines: tuple[Deadline, ...]
    categories: tuple[str, ...]
    measures: tuple[Measure, ...]
    statistics_form: PrintedForm
    cases_form: PrintedForm
    category_heading: str
    total_label: str
    case_columns: tuple[CaseColumn, ...]
    sources: tuple[str, ...]
    rules: tuple[Rule, ...]

    def measure(self, key: str) -> Measure:
        for m in self.measures:
            if m.key == key:
                return m
        raise KeyError(key)

    # Cached: asked once per cell when a month of thousands of cases is exported or checked.
    @cached_property
    def measure_keys(self) -> tuple[str, ...]:
        return tuple(m.key for m in self.measures)

    @cached_property
    def amount_keys(self) -> frozenset[str]:
        return frozenset(m.key for m in self.measures if m.is_amount)

    @cached_property
    def periods(self) -> tuple[str, ...]:
        return tuple(m.period for m in self.months)

    def month(self, period: str) -> Month:
        for m in self.months:
            if m.period == period:
                return m
        raise UserError(
            f"月份 {period} 不在“{self.campaign}”的填报月份内。",
            [f"可填报的月份:{'、'.join(self.periods)}"],
        )

    def current_month(self, today: date) -> Month:
        """The month a clerk is most likely working on: the first one not yet past due."""
        for m in self.months:
            if today <= m.due:
                return m
        return self.months[-1]

    def case_column(self, key: str) -> CaseColumn:
        for c in self.case_columns:
            if c.key == key:
                return c
        raise KeyError(key)


def _printed(data: dict) -> PrintedForm:
    return PrintedForm(
        attachment=data["attachment"],
        title=data["title"],
        region_line=data["region_line"],
        footer=tuple(data["footer"]),
        notes=tuple(data["notes"]),
        filers=tuple(data["filers"]),
    )


def parse_form(data: dict) -> FormDefinition:
    if data.get("format") != FORM_FORMAT:
        raise UserError("报表定义文件格式不对。")
    stats, cases = data["statistics_form"], data["cases_form"]
    return FormDefinition(
        campaign=data["campaign"],
        full_name=data["full_name"],
        notice=data["notice"],
        months=tuple(Month(m["period"], date.fromisoformat(m["due"])) for m in data["months"]),
        deadlines=tuple(
            Deadline(d["key"], d["label"], date.fromisoformat(d["due"]), d["to"])
            for d in data["deadlines"]
        ),
        categories=tuple(data["categories"]),
        measures=tuple(
            Measure(
                key=m["key"],
                type=m["type"],
                unit=m["unit"],
                label=m["label"],
                group=m["group"],
                heading=m["heading"],
                places=m.get("places", 0),
            )
            for m in data["measures"]
        ),
        statistics_form=_printed(stats),
        cases_form=_printed(cases),
        category_heading=stats["category_heading"],
        total_label=stats["total_label"],
        case_columns=tuple(
            CaseColumn(c["key"], c["heading"], c["required"], c["max_length"], c["multiline"])
            for c in cases["columns"]
        ),
        sources=tuple(cases["sources"]),
        rules=tuple(
            Rule(
                id=r["id"],
                severity=r["severity"],
                applies_to=tuple(r["applies_to"]),
                when=tuple(r["when"]) if r.get("when") else None,
                require=tuple(r["require"]),
                message=r["message"],
            )
            for r in data["rules"]
        ),
    )


def forms_dir() -> Path:
    return resource_path("forms")


@cache
def load_form(campaign: str | None = None) -> FormDefinition:
    """The definition of `campaign`, or of the newest campaign when None."""
    forms = []
    for path in sorted(forms_dir().glob("*.json")):
        forms.append(parse_form(json.loads(path.read_text(encoding="utf-8"))))
    if not forms:
        raise UserError("没有找到任何报表定义文件(resources/forms)。")
    if campaign is None:
        return max(forms, key=lambda f: f.months[-1].due)
    for form in forms:
        if form.campaign == campaign:
            return form
    raise UserError(
        f"不认识的专项行动“{visible(campaign, 40)}”。", [f"可用的:{'、'.join(f.campaign for f in forms)}"]
    )
