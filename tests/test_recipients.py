"""Recipients: shipped without addresses, asked once, validated, kept per installation."""

import json
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jianwang_desktop.core.domain import Profile
from jianwang_desktop.core.errors import UserError
from jianwang_desktop.core.recipients import (address_problem, all_recipients, find_recipient,
                                              local_recipient, normalize_address,
                                              provincial_emails, set_recipient_email)
from jianwang_desktop.core.resources import resource_path
from jianwang_desktop.core.store import Store

AT = "@"  # addresses are spelled with this so no tool rewrites them as links


def addr(user: str, domain: str) -> str:
    return user + AT + domain


POLICE = Profile("绵阳市", "公安局", "绵阳市公安局", "李四", "13812345678")


def test_the_shipped_file_has_the_notice_offices_and_no_address():
    data = json.loads(resource_path("recipients.json").read_text("utf-8"))
    shipped = {(r["name"], r["phone"]) for r in data["recipients"]}
    assert shipped == {("省版权局版权处", "028-86697093"), ("省公安厅网安总队", "028-86303089"),
                       ("省网信办网监处", "028-86691024")}
    assert all(r["email"] == "" for r in data["recipients"]) and data["local"]["email"] == ""


def test_a_fresh_installation_knows_no_address(store):
    recipients = all_recipients(store)
    assert [r.name for r in recipients] == ["省版权局版权处", "省公安厅网安总队", "省网信办网监处"]
    assert all(r.missing for r in recipients)
    assert provincial_emails(store) == {"copyright": "", "police": "", "cyberspace": ""}


def test_set_by_name_key_or_alias_and_kept_after_reopening(db_path, store):
    set_recipient_email(store, "省版权局版权处", addr("bqc", "example.gov.cn"))
    set_recipient_email(store, "police", addr("wangan", "example.gov.cn"))
    set_recipient_email(store, "省网信办", addr("wangjian", "example.cn"))
    store.close()
    with Store(db_path) as reopened:
        assert provincial_emails(reopened) == {
            "copyright": addr("bqc", "example.gov.cn"),
            "police": addr("wangan", "example.gov.cn"),
            "cyberspace": addr("wangjian", "example.cn")}


def test_a_bad_address_is_refused_and_the_old_one_kept(store):
    set_recipient_email(store, "省版权局版权处", addr("bqc", "example.gov.cn"))
    with pytest.raises(UserError, match="空格"):
        set_recipient_email(store, "省版权局版权处", addr("bq c", "example.gov.cn"))
    assert find_recipient(store, "省版权局版权处").email == addr("bqc", "example.gov.cn")


def test_an_unknown_recipient_is_refused_with_the_choices(store):
    with pytest.raises(UserError) as e:
        set_recipient_email(store, "省教育厅", addr("x", "example.cn"))
    assert "省教育厅" in e.value.message and "省版权局版权处" in str(e.value)


def test_the_local_copyright_office_is_a_recipient_of_police_and_cyberspace(db_path):
    with Store(db_path) as store:
        assert local_recipient(store) is None  # no profile yet
        store.set_profile(POLICE)
        local = local_recipient(store)
        assert local.name == "绵阳市版权局" and local.missing
        set_recipient_email(store, "本地版权局", addr("mybqj", "example.com"))
        assert find_recipient(store, "绵阳市版权局").email == addr("mybqj", "example.com")
        assert [r.name for r in all_recipients(store)][-1] == "绵阳市版权局"


def test_the_copyright_office_does_not_list_itself(store):
    assert local_recipient(store) is None
    assert "绵阳市版权局" not in [r.name for r in all_recipients(store)]


def test_typing_from_a_chinese_input_method_is_folded():
    assert normalize_address(" bqc" + "\uff20" + "Example.GOV.cn ") == addr("bqc", "example.gov.cn")


@pytest.mark.parametrize("text", [
    "", "   ", "bqc", AT + "example.cn", "bqc" + AT, addr("b" + AT + "qc", "example.cn"),
    addr("bqc", "example"), addr("bqc", "example.c"), addr("bqc", "example..cn"),
    addr("bqc", "-example.cn"), addr(".bqc", "example.cn"), addr("b..qc", "example.cn"),
    addr("版权处", "example.cn"), "省版权局 <" + addr("bqc", "example.cn") + ">",
    addr("bqc", "example.cn,") , addr("bqc", "example.123"), addr("b" * 65, "example.cn"),
])
def test_addresses_that_are_refused(text):
    assert address_problem(text) is not None


def _round_trip(address: str) -> str:
    message = EmailMessage(policy=policy.SMTP)
    message["To"] = Address("省版权局版权处", addr_spec=address)
    parsed = BytesParser(policy=policy.default).parsebytes(message.as_bytes())
    return parsed["To"].addresses[0].addr_spec


_atom = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_+-",
                min_size=1, max_size=12)
_label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
_tld = st.from_regex(r"[a-z]{2,6}", fullmatch=True)


@st.composite
def valid_addresses(draw):
    local = ".".join(draw(st.lists(_atom, min_size=1, max_size=3)))
    domain = ".".join(draw(st.lists(_label, min_size=1, max_size=3)) + [draw(_tld)])
    return addr(local, domain)


@settings(max_examples=300)
@given(valid_addresses())
def test_well_formed_addresses_are_accepted_and_travel_in_a_message(address):
    assert address_problem(address) is None
    normalized = normalize_address(address)
    assert normalize_address(normalized) == normalized
    assert _round_trip(normalized) == normalized


@settings(max_examples=500)
@given(st.text(max_size=40) | st.builds(lambda a, b: a + AT + b, st.text(max_size=15),
                                        st.text(max_size=15)))
def test_whatever_is_typed_the_check_answers_and_an_accepted_address_is_usable(text):
    problem = address_problem(text)
    if problem is None:
        normalized = normalize_address(text)
        assert _round_trip(normalized) == normalized
    else:
        assert isinstance(problem, str) and problem
        with pytest.raises(UserError):
            normalize_address(text)


def test_several_addresses_are_saved_all_or_none(store):
    from jianwang_desktop.core.recipients import set_recipient_emails

    with pytest.raises(UserError) as e:
        set_recipient_emails(store, {"copyright": addr("bqc", "example.gov.cn"),
                                     "police": "wangan at example"})
    assert "省公安厅网安总队" in str(e.value)
    assert all(r.missing for r in all_recipients(store))
    saved = set_recipient_emails(store, {"copyright": addr("bqc", "example.gov.cn"),
                                         "police": addr("wangan", "example.gov.cn")})
    assert [r.name for r in saved] == ["省版权局版权处", "省公安厅网安总队"]
    assert provincial_emails(store)["police"] == addr("wangan", "example.gov.cn")
