"""Who receives the monthly forms: the provincial offices and the local 市(州)版权局.

Names and phone numbers come from resources/recipients.json. The published notice hides
the e-mail addresses, so the file ships them empty; the office types each one once and
it is kept in this installation's database (settings `recipient_email:<key>`). An
address is never guessed.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import NamedTuple

from .domain import Profile, geography
from .errors import UserError
from .resources import resource_path

SETTING_PREFIX = "recipient_email:"

# RFC 5322 dot-atom characters of a local part; no quoted local parts, no IP literals:
# a provincial office's mailbox never needs them, and a typing slip usually produces them.
# Compiled (and cached by re) when an address is first checked, not at start-up.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL_PART = rf"^{_ATOM}(\.{_ATOM})*$"
_LABEL = r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"
_TLD = r"^[A-Za-z]{2,63}$|^xn--[A-Za-z0-9-]{1,59}$"


class Recipient(NamedTuple):
    """A provincial office that receives reports, with the address its office gave."""
    key: str
    name: str
    phone: str
    email: str  # "" while the office has not given it
    aliases: tuple[str, ...] = ()

    @property
    def missing(self) -> bool:
        return not self.email

    def names(self) -> tuple[str, ...]:
        return (self.key, self.name, *self.aliases)

    def describe(self) -> str:
        return f"{self.name} <{self.email}>" if self.email else f"{self.name}(邮箱未设置)"


@cache
def _definitions() -> dict:
    return json.loads(resource_path("recipients.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- addresses


def _folded(text: str) -> str:
    """Full-width typing folded (NFKC) and the ends stripped. (unicodedata, a C extension,
    is imported here: the window's first paint checks no address.)"""
    import unicodedata

    return unicodedata.normalize("NFKC", text).strip()


def address_problem(text: object) -> str | None:
    """Why `text` is not a usable e-mail address, in Chinese; None when it is fine."""
    if not isinstance(text, str) or not text.strip():
        return "邮箱地址不能为空。"
    address = _folded(text)
    if any(c.isspace() for c in address):
        return "邮箱地址中不能有空格。"
    if "<" in address or ">" in address:
        return "只填写邮箱地址本身(形如 用户名@域名),不要带姓名或尖括号。"
    if not address.isascii():
        return "邮箱地址只能由英文字母、数字和 . _ - 等符号组成(请检查是否混入了中文字符)。"
    if address.count("@") != 1:
        return "邮箱地址应包含且只包含一个 @(形如 用户名@域名)。"
    local, domain = address.split("@")
    if not local:
        return "@ 前面缺少用户名。"
    if len(local) > 64:
        return "@ 前面的用户名过长(最多 64 个字符)。"
    if not re.match(_LOCAL_PART, local):
        return "@ 前面的用户名有不允许的字符,或以点开头、结尾、连续两个点。"
    if not domain:
        return "@ 后面缺少域名,如 163.com。"
    if len(domain) > 253:
        return "域名过长。"
    labels = domain.split(".")
    if len(labels) < 2:
        return "域名不完整,应像 163.com 或 sc.gov.cn 这样带点。"
    if not all(re.match(_LABEL, label) for label in labels):
        return "域名只能由字母、数字和连字符组成,各段之间用一个点隔开。"
    if not re.match(_TLD, labels[-1]):
        return f"域名的最后一段“{labels[-1]}”不对,应像 com、cn 这样。"
    return None


def normalize_address(text: str) -> str:
    """The address as it will be stored: full-width typing folded, domain in lower case."""
    problem = address_problem(text)
    if problem:
        raise UserError(f"邮箱地址“{text.strip() if isinstance(text, str) else text}”不对:{problem}")
    local, domain = _folded(text).split("@")
    return f"{local}@{domain.lower()}"


# ---------------------------------------------------------------- recipients


def local_office_name(region: str) -> str:
    return _definitions()["local"]["name"].format(region=region)


def _recipient(store, entry: dict, name: str) -> Recipient:
    key = entry["key"]
    stored = store.setting(SETTING_PREFIX + key) or entry.get("email", "")
    return Recipient(key, name, entry.get("phone", ""), stored, tuple(entry.get("aliases", ())))


def provincial_recipients(store) -> list[Recipient]:
    return [_recipient(store, e, e["name"]) for e in _definitions()["recipients"]]


def local_recipient(store, profile: Profile | None = None) -> Recipient | None:
    """The office's 市(州)版权局; None for a provincial office, the 版权局 itself, or no profile."""
    profile = profile or store.profile()
    if profile is None or profile.region == geography().province:
        return None
    name = local_office_name(profile.region)
    if geography().default_unit(profile.region, profile.department) == name:
        return None
    return _recipient(store, _definitions()["local"], name)


def all_recipients(store) -> list[Recipient]:
    local = local_recipient(store)
    return provincial_recipients(store) + ([local] if local else [])


def recipients_by_key(store) -> dict[str, Recipient]:
    return {r.key: r for r in all_recipients(store)}


def provincial_emails(store) -> dict[str, str]:
    """The provincial addresses by key, for the notes printed under the forms."""
    return {r.key: r.email for r in provincial_recipients(store)}


def find_recipient(store, name: str) -> Recipient:
    wanted = name.strip()
    candidates = all_recipients(store)
    for recipient in candidates:
        if wanted in recipient.names():
            return recipient
    choices = "、".join(r.name for r in candidates)
    hint = "" if local_recipient(store) else "(本市(州)版权局要在设置填报单位后才能设置)"
    raise UserError(f"没有名为“{wanted}”的收件单位{hint}。", [f"可设置的:{choices}"])


def set_recipient_emails(store, addresses: dict[str, str]) -> list[Recipient]:
    """Keep several addresses (by recipient name or key) in one action: all, or none."""
    chosen, problems = [], []
    for name, address in addresses.items():
        recipient = find_recipient(store, name)
        problem = address_problem(address)
        if problem:
            problems.append(f"{recipient.name}:{problem}")
        else:
            chosen.append(recipient._replace(email=normalize_address(address)))
    if problems:
        raise UserError("邮箱地址有误,未保存:", problems)
    with store.transaction():
        for recipient in chosen:
            store.set_setting(SETTING_PREFIX + recipient.key, recipient.email)
    return chosen


def set_recipient_email(store, name: str, address: str) -> Recipient:
    """Validate and keep one recipient's address; nothing is stored when it is refused."""
    recipient = find_recipient(store, name)
    normalize_address(address)  # refuses with the address itself in the message
    return set_recipient_emails(store, {recipient.key: address})[0]
