"""Who gets which form by when, as the notes under 附件1 and 附件2 of the notice say."""

import json

import pytest

from jianwang_desktop.core.domain import Profile, geography
from jianwang_desktop.core.errors import UserError
from jianwang_desktop.core.recipients import Recipient
from jianwang_desktop.core.resources import resource_path
from jianwang_desktop.core.routing import routes_for, rules_for


def recipients() -> dict[str, Recipient]:
    names = {"copyright": "省版权局版权处", "police": "省公安厅网安总队",
             "cyberspace": "省网信办网监处", "local_copyright": "绵阳市版权局"}
    return {k: Recipient(k, n, "", "") for k, n in names.items()}


# From the notice: 附件1's note (版权局 and 成都市文化市场综合执法总队 to 省版权局; the
# 市(州)版权局 sums the police and 网信 figures) and 附件2's note (each to its own office).
EXPECTED = {
    ("绵阳市", "版权局"): {("省版权局版权处", ("附件1", "附件2"))},
    ("成都市", "文化市场综合执法总队"): {("省版权局版权处", ("附件1", "附件2"))},
    ("绵阳市", "公安局"): {("省公安厅网安总队", ("附件2",)), ("绵阳市版权局", ("附件1",))},
    ("绵阳市", "网信办"): {("省网信办网监处", ("附件2",)), ("绵阳市版权局", ("附件1",))},
}


@pytest.mark.parametrize("office", sorted(EXPECTED))
def test_each_department_sends_what_the_notice_says(office):
    from jianwang_desktop.core.formdef import load_form

    form = load_form("剑网2015")
    region, department = office
    profile = Profile(region, department, region + department, "张三", "0816-2345678")
    for period in form.periods:
        routes = routes_for(form, profile, period, recipients())
        assert {(r.recipient.name, r.attachments) for r in routes} == EXPECTED[office]
        assert {r.due for r in routes} == {form.month(period).due}


def test_every_reporting_department_has_a_route_and_every_route_a_known_recipient():
    shipped = json.loads(resource_path("recipients.json").read_text("utf-8"))
    keys = {r["key"] for r in shipped["recipients"]} | {shipped["local"]["key"]}
    rules = rules_for("剑网2015")
    assert {d.name for d in geography().departments} == {d for r in rules for d in r.departments}
    assert {r.to for r in rules} <= keys


def test_a_provincial_office_is_told_it_sends_nothing():
    from jianwang_desktop.core.formdef import load_form

    profile = Profile("四川省", "省版权局", "省版权局", "王五", "028-86697093")
    with pytest.raises(UserError, match="接收单位"):
        routes_for(load_form("剑网2015"), profile, "2015-08", recipients())


def test_a_month_outside_the_campaign_is_refused():
    from jianwang_desktop.core.formdef import load_form

    profile = Profile("绵阳市", "版权局", "绵阳市版权局", "张三", "0816-2345678")
    with pytest.raises(UserError, match="2015-12"):
        routes_for(load_form("剑网2015"), profile, "2015-12", recipients())
