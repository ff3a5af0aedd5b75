"""Who gets which form by when, as the notice's notes under 附件1 and 附件2 say.

The rules are data (resources/routing.json, one list per campaign); the due date is the
month's `due` in the campaign's form definition. Every route carries the whole signed
bundle: a signature covers the bundle as one piece, so it is never split per recipient.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from typing import NamedTuple

from .domain import Profile, geography
from .errors import UserError
from .formdef import FormDefinition, PrintedForm
from .recipients import Recipient, recipients_by_key
from .resources import resource_path

ROUTING_FORMAT = "jianwang-routing/1"
FORM_KEYS = ("statistics", "cases")


class RouteRule(NamedTuple):
    departments: tuple[str, ...]
    to: str
    forms: tuple[str, ...]
    note: str


class Route(NamedTuple):
    recipient: Recipient
    forms: tuple[PrintedForm, ...]
    due: date
    note: str

    @property
    def attachments(self) -> tuple[str, ...]:
        """附件1 / 附件2, as the notice numbers the forms."""
        return tuple(f.attachment for f in self.forms)

    @property
    def includes_statistics(self) -> bool:
        return any(f.attachment == "附件1" for f in self.forms)

    @property
    def includes_cases(self) -> bool:
        return any(f.attachment == "附件2" for f in self.forms)


def short_title(form: FormDefinition, printed: PrintedForm) -> str:
    """“剑网2015”工作情况统计表 → 工作情况统计表 (the campaign is named in the subject)."""
    return printed.title.replace(f"“{form.campaign}”", "").strip() or printed.title


def contents_text(form: FormDefinition, route: Route) -> str:
    """附件1 工作情况统计表、附件2 查处案件信息表"""
    return "、".join(f"{p.attachment} {short_title(form, p)}" for p in route.forms)


def titles_text(route: Route) -> str:
    """“剑网2015”工作情况统计表(附件1)和“剑网2015”查处案件信息表(附件2)"""
    return "和".join(f"{p.title}({p.attachment})" for p in route.forms)


@cache
def _routing_data() -> dict:
    data = json.loads(resource_path("routing.json").read_text(encoding="utf-8"))
    if data.get("format") != ROUTING_FORMAT:
        raise UserError("报送规则文件(resources/routing.json)格式不对,程序安装不完整,请重新安装。")
    return data


def rules_for(campaign: str) -> tuple[RouteRule, ...]:
    entries = _routing_data()["campaigns"].get(campaign)
    if entries is None:
        raise UserError(f"没有“{campaign}”的报送规则(resources/routing.json)。")
    rules = []
    for e in entries:
        forms = tuple(e["forms"])
        if not forms or any(f not in FORM_KEYS for f in forms):
            raise UserError(f"报送规则中有不认识的报表:{'、'.join(forms)}。")
        rules.append(RouteRule(tuple(e["from"]), e["to"], forms, e.get("note", "")))
    return tuple(rules)


def routes_for(form: FormDefinition, profile: Profile, period: str,
               recipients: dict[str, Recipient]) -> list[Route]:
    """The month's routes of one office, in the order of the rules."""
    month = form.month(period)
    if profile.region == geography().province:
        raise UserError(f"{profile.unit}是省级接收单位,不需要向其他单位报送。")
    printed = {"statistics": form.statistics_form, "cases": form.cases_form}
    routes = []
    for rule in rules_for(form.campaign):
        if profile.department not in rule.departments:
            continue
        recipient = recipients.get(rule.to)
        if recipient is None:
            raise UserError(f"报送规则中的收件单位“{rule.to}”不在 recipients.json 中。")
        routes.append(Route(recipient, tuple(printed[f] for f in rule.forms), month.due,
                            rule.note))
    if not routes:
        raise UserError(f"报送规则中没有“{profile.department}”的报送去向。")
    return routes


def month_routes(store, period: str) -> list[Route]:
    """The routes of the store's own office for `period`, with the addresses it has kept."""
    profile = store.profile()
    if profile is None:
        raise UserError("还没有设置填报单位信息,请先运行 jianwang init 或在程序中完成设置。")
    return routes_for(store.form, profile, period, recipients_by_key(store))


def missing_addresses(routes: list[Route]) -> list[Recipient]:
    seen: dict[str, Recipient] = {}
    for route in routes:
        if route.recipient.missing:
            seen.setdefault(route.recipient.key, route.recipient)
    return list(seen.values())
