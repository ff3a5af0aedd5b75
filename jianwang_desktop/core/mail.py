"""E-mail drafts (.eml, RFC 5322) that carry the month's signed bundle to each recipient.

One draft per route (see routing.py). The drafts are files: the machine may be offline,
and the clerk opens each one in the office's mail client and sends it from there
(`X-Unsent: 1` makes Outlook open it as an unsent message). Sending by SMTP happens only
when the office has configured a server, and only when asked.

The bundle is read through the verifier (core/verify.py): one that fails any check, or
that is not the month's current export, is refused. Its manifest gives the fingerprints
shown in the body and its data.json the totals.
"""

from __future__ import annotations

import re
from email import policy
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import NamedTuple

from .domain import Profile
from .errors import UserError, os_reason
from .formdef import FormDefinition
from .files import read_bounded
from .money import format_amount
from .month_state import date_text
from .records import MonthData, totals_row
from .routing import (Route, contents_text, missing_addresses, month_routes, short_title,
                      titles_text)

MAX_BUNDLE_BYTES = 25 * 1024 * 1024  # what common mail servers still accept as attachment
FINGERPRINT_SHOWN = 16
MAIL_FROM_SETTING = "mail_from"
_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


# ---------------------------------------------------------------- the bundle


class BundleInfo(NamedTuple):
    path: Path
    data: bytes  # the zip exactly as exported: attached unchanged
    manifest: dict
    fingerprint: str  # sha256 hex of manifest.json's exact bytes
    key_fingerprint: str  # of the signing key, as the verifier computed it
    month: MonthData
    contributions: list[dict]  # data.json's: the departments a 市(州)版权局's total sums

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def short_fingerprint(self) -> str:
        return self.fingerprint[:FINGERPRINT_SHOWN]


def read_bundle(path: Path) -> BundleInfo:
    """Read an exported bundle for the drafts through the verifier; refuse one that fails."""
    from .verify import verify_bundle

    path = Path(path)
    data = read_bounded(path, MAX_BUNDLE_BYTES, (
        f"数据包 {path.name} 超过邮件附件通常允许的 {MAX_BUNDLE_BYTES // 1024 // 1024} MB,"
        "请减少案情简介中的大段文字后重新导出,或通过其他方式报送。"))
    result = verify_bundle(data, source=path.name)
    if not result.ok or result.month is None or result.manifest_sha256 is None:
        raise UserError(f"数据包 {path.name} 未通过核验,不能作为附件发送(请重新导出):",
                        result.failures or ["数据包中没有月报数据(data.json)。"])
    return BundleInfo(path, data, result.manifest, result.manifest_sha256,
                      result.fingerprint, result.month, result.contributions)


def check_bundle_belongs(bundle: BundleInfo, form: FormDefinition, profile: Profile,
                         period: str) -> None:
    """Refuse a bundle of another office, month or campaign before it is attached."""
    m = bundle.manifest
    label = form.month(period).label
    if m.get("campaign") != form.campaign:
        raise UserError(f"数据包 {bundle.name} 属于“{m.get('campaign')}”,不是“{form.campaign}”。")
    if m.get("period") != period or bundle.month.period != period:
        raise UserError(f"数据包 {bundle.name} 是 {m.get('period')} 的,不是{label}的。")
    if (m.get("region"), m.get("department")) != (profile.region, profile.department):
        raise UserError(
            f"数据包 {bundle.name} 是{m.get('region')}{m.get('department')}的,"
            f"不是本单位({profile.region}{profile.department})的。")


def check_bundle_current(store, bundle: BundleInfo, period: str) -> None:
    """Once the month has been exported here, only its current revision may be sent."""
    history = store.exports(period)
    if not history:
        return  # exported elsewhere (another installation): nothing to compare with
    label = store.form.month(period).label
    record = store.current_export(period)
    given = f"数据包 {bundle.name}(第{bundle.manifest.get('revision')}版)"
    if record is None:
        raise UserError(f"{label}正在更正,{given}已过时,未生成邮件草稿。",
                        [f"请先导出更正后的第{history[-1].revision + 1}版,再报送。"])
    if bundle.fingerprint != record.manifest_sha256:
        raise UserError(f"{given}不是{label}当前的导出版本,未生成邮件草稿。",
                        [f"当前是第{record.revision}版({record.file_name});"
                         "请附上这一版,或不指定数据包,由程序自动附上。"])


def find_bundle(store, period: str, given: Path | None = None) -> Path | None:
    """The bundle to attach for `period`: the file the user gave, else the month's current
    export (written from the database into `bundles/` beside it), else None.
    """
    if given is not None:
        given = Path(given)
        if not given.is_file():
            raise UserError(f"找不到数据包文件 {given}。")
        return given
    record = store.current_export(period)
    if record is None:
        return None
    folder = store.path.parent / "bundles"
    path = folder / record.file_name
    data = store.exported_bundle(period, record.revision)
    try:
        if not path.is_file() or path.read_bytes() != data:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    except OSError as e:
        raise UserError(f"无法写出数据包 {path}:{os_reason(e)}") from None
    return path


# ---------------------------------------------------------------- the message


def subject_for(form: FormDefinition, profile: Profile, period: str, route: Route,
                revision: int = 1) -> str:
    titles = "及".join(short_title(form, p) for p in route.forms)
    corrected = f"(更正,第{revision}版)" if revision > 1 else ""
    return f"【{form.campaign}】{profile.unit} {form.month(period).label} {titles}{corrected}"


def revision_of(bundle: BundleInfo) -> int:
    revision = bundle.manifest.get("revision")
    return revision if isinstance(revision, int) else 1


def _shown(value, unit: str) -> str:
    if value is None:
        return "未填"
    return (format_amount(value) if not isinstance(value, int) else str(value)) + f" {unit}"


def totals_text(form: FormDefinition, month: MonthData) -> str:
    totals = totals_row(form, month.statistics)
    return ";".join(f"{m.label} {_shown(totals[m.key], m.unit)}" for m in form.measures)


def _sources_of_total(form: FormDefinition, profile: Profile, bundle: BundleInfo) -> list[str]:
    """A 市(州)版权局's 合计 sums its departments' bundles: say whose (and which version),
    and who has not reported, so that the total above the office's own cases is explained."""
    from .domain import geography
    from .roles import is_city_office, senders_of

    if not is_city_office(profile):
        return []
    parts = bundle.contributions
    included = "、".join(f"{p['unit']}第{p['revision']}版" for p in parts)
    reported = {p["department"] for p in parts}
    missing = "、".join(geography().default_unit(s.region, s.department)
                       for s in senders_of(profile) if s.department not in reported)
    return [f"本月{form.total_label}含本单位{'及' + included if included else ''}的数据"
            + (f";{missing}尚未报送,不含其数据。" if missing else "。")]


def body_for(form: FormDefinition, profile: Profile, route: Route, bundle: BundleInfo,
             reason: str | None = None) -> str:
    """`reason`: why a later revision was made (its 更正原因)."""
    month = form.month(bundle.month.period)
    lines = [
        f"{route.recipient.name}:",
        "",
        f"    现报送{profile.unit}{month.label}的{titles_text(route)},见附件数据包,请查收。"
        + route.note,
        "",
    ]
    revision = revision_of(bundle)
    if revision > 1:
        lines += [f"本次为更正后的第{revision}版,替代此前报送的第{revision - 1}版,请以本版为准。"
                  + (f"更正原因:{reason}" if reason else ""), ""]
    if route.includes_statistics:
        lines.append(f"本月{form.total_label}:{totals_text(form, bundle.month)}。")
        lines += _sources_of_total(form, profile, bundle)
    if route.includes_cases:
        lines.append(f"本月查处案件:{len(bundle.month.cases)} 条。")
    lines += [
        f"报送截止日期:{date_text(route.due)}。",
        "",
        f"附件:{bundle.name}(签名数据包,内含 data.json、Excel 报表、manifest.json 和 manifest.sig)",
        f"数据包指纹(manifest.json 的 SHA-256 前 {FINGERPRINT_SHOWN} 位):{bundle.short_fingerprint}",
        f"签名公钥指纹:{bundle.key_fingerprint}",
        "收件后可用“剑网填报”的核验功能(jianwang verify 数据包)确认数据包未被改动。",
        "",
        f"填报单位:{profile.unit}",
        f"填报人:{profile.filler}",
        f"联系电话:{profile.phone}",
    ]
    return "\n".join(lines) + "\n"


def _attach_bundle(message: EmailMessage, bundle: BundleInfo) -> None:
    message.add_attachment(bundle.data, maintype="application", subtype="zip",
                           filename=bundle.name)
    part = next(p for p in message.iter_attachments())
    # Content-Disposition carries the RFC 2231 filename*; the RFC 2047 `name` on
    # Content-Type is the fallback that older Outlook and Foxmail read instead.
    words = Header(bundle.name, "utf-8").encode(maxlinelen=70, splitchars=" ")
    del part["Content-Type"]
    part.set_raw("Content-Type", 'application/zip;\n name="' + words + '"')


def build_message(form: FormDefinition, profile: Profile, route: Route, bundle: BundleInfo,
                  sender: str | None = None, reason: str | None = None) -> EmailMessage:
    message = EmailMessage(policy=policy.SMTP)
    if sender:
        message["From"] = Address(profile.unit, addr_spec=sender)
    message["To"] = Address(route.recipient.name, addr_spec=route.recipient.email)
    message["Subject"] = subject_for(form, profile, bundle.month.period, route,
                                     revision_of(bundle))
    message["X-Unsent"] = "1"
    message.set_content(body_for(form, profile, route, bundle, reason), cte="base64")
    _attach_bundle(message, bundle)
    return message


# ---------------------------------------------------------------- drafts


class Draft(NamedTuple):
    route: Route
    filename: str
    message: EmailMessage

    def as_bytes(self) -> bytes:
        return self.message.as_bytes(policy=policy.SMTP)


def safe_filename(text: str) -> str:
    """A file name every system accepts: no path separators, no characters Windows refuses."""
    return _UNSAFE_FILENAME.sub("_", text).strip(" .") or "邮件"


def make_drafts(store, period: str, bundle_path: Path | None) -> list[Draft]:
    """The month's drafts for the store's office; refuses, naming what is missing."""
    routes = month_routes(store, period)
    profile = store.profile()
    label = store.form.month(period).label
    problems = [
        f"{r.name}的邮箱地址还没有设置:jianwang recipients set {r.name} 地址"
        for r in missing_addresses(routes)
    ]
    if bundle_path is None:
        from .month_state import no_bundle_text

        problems.append(no_bundle_text(store, period, f"jianwang export --month {period}")
                        + ",或用 --bundle 指定数据包文件")
    if problems:
        raise UserError("未生成邮件草稿:", problems)
    bundle = read_bundle(bundle_path)
    check_bundle_belongs(bundle, store.form, profile, period)
    check_bundle_current(store, bundle, period)
    sender = store.setting(MAIL_FROM_SETTING)
    revision = revision_of(bundle)
    reason = next((r.reason for r in store.exports(period) if r.revision == revision), None)
    # A corrected revision's drafts are named for it: written beside the first revision's,
    # they would otherwise replace the drafts of what was sent before.
    version = f" 第{revision}版" if revision > 1 else ""
    drafts = []
    for route in routes:
        name = safe_filename(f"{profile.unit} {label}{version} 致{route.recipient.name}") + ".eml"
        drafts.append(Draft(route, name, build_message(store.form, profile, route, bundle,
                                                       sender, reason)))
    return drafts


def write_drafts(drafts: list[Draft], out_dir: Path) -> list[Path]:
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        paths = []
        for draft in drafts:
            path = out_dir / draft.filename
            path.write_bytes(draft.as_bytes())
            paths.append(path)
    except OSError as e:
        raise UserError(f"无法写入邮件草稿到 {out_dir}:{os_reason(e)}") from None
    return paths


def route_summary(form: FormDefinition, route: Route) -> str:
    """One line of “who gets what by when” for lists and the command line."""
    return (f"{route.recipient.describe()}:{contents_text(form, route)},"
            f"截止 {date_text(route.due)}")
