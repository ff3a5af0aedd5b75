"""The receiving side's check of a bundle: safe to open, complete, unaltered, consistent.

Every check runs even after an earlier one failed, so the result lists every problem
(in Chinese). Nothing from the zip is ever written to disk.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bundle import (ALGORITHM, BUNDLE_FORMAT, CHANGES_FORMAT, CHANGES_NAME, DATA_NAME,
                     MANIFEST_NAME, SIGNATURE_NAME)
from .audit import AuditEntry
from .errors import UserError, os_reason
from .formdef import load_form
from .records import MonthData
from .schemas import schema_errors
from .signing import TRUST_ADD_HOW, PublicKey, fingerprint as key_fingerprint, grouped

MAX_BUNDLE_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 16
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 128 * 1024 * 1024
SHOWN_CHANGES = 30  # changes listed by summary_lines; the rest are counted
MAX_RATIO = 100  # uncompressed / compressed, for members above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")

# The checks in the order they run, as a dialog lists them; VerifyResult.checks holds
# the outcome of each one that ran (a check is skipped when an earlier one left nothing
# to check, e.g. no manifest to compare the files with).
CHECKS = {
    "zip": "数据包可以安全读取(没有绝对路径、“..”、链接、重名,大小和压缩比正常)",
    "manifest": "清单 manifest.json 存在且格式正确",
    "files": "数据包中的文件与清单完全一致(没有增加、删除或改动)",
    "signature": "Ed25519 签名有效",
    "contents": "data.json 符合格式,Excel 表格中的数字与 data.json 一致",
}


@dataclass
class VerifyResult:
    source: str
    failures: list[str] = field(default_factory=list)
    manifest: dict[str, Any] | None = None
    fingerprint: str | None = None  # of the key in the manifest
    signature_valid: bool = False
    trusted: bool = False
    trusted_label: str | None = None
    trust_note: str | None = None  # why a key on the trust list is not trusted for this sender
    trusted_office: tuple[str, str] | None = None  # the office the trust list binds the key to
    month: MonthData | None = None
    contributions: list[dict] = field(default_factory=list)  # data.json's, a 市(州)版权局's
    checks: dict[str, bool] = field(default_factory=dict)  # CHECKS key -> passed
    damaged: set[str] = field(default_factory=set)  # members present but unreadable

    def check(self, key: str, run):
        """Run one check; it passed when it added no failure. Returns what `run` returns."""
        before = len(self.failures)
        value = run()
        self.checks[key] = len(self.failures) == before
        return value

    changes: dict[str, Any] | None = None  # changes.json of a later revision
    previous_fingerprint: str | None = None  # the key that signed the previous revision
    change_lines: list[str] = field(default_factory=list)  # changes.json, one line each
    manifest_sha256: str | None = None  # of manifest.json's exact bytes: the bundle's identity

    @property
    def signer_changed(self) -> bool:
        return (self.previous_fingerprint is not None and self.fingerprint is not None
                and self.previous_fingerprint != self.fingerprint)

    @property
    def ok(self) -> bool:
        return not self.failures

    def fail(self, message: str) -> None:
        # Names and values come from the file: never echo a control character (a terminal
        # escape) or a megabyte of text to the user.
        self.failures.append(_short(message, 500))

    def summary_lines(self) -> list[str]:
        """What `jianwang verify` prints and the GUI dialog shows."""
        lines = [f"数据包:{self.source}"]
        m = self.manifest if isinstance(self.manifest, dict) else {}
        if m.get("unit") and m.get("period"):
            lines.append(_short(f"单位:{m.get('unit')}  月份:{m.get('period')}  "
                                f"第{m.get('revision')}版  生成时间:{m.get('created')}", 500))
        if self.fingerprint:
            if not self.signature_valid:
                trust = "签名未通过验证"
            elif self.trusted:
                trust = f"受信任({self.trusted_label})"
            elif self.trust_note:
                trust = f"未受信任:{self.trust_note}"
            else:
                trust = f"未受信任:请与对方核对指纹后加入受信任列表({TRUST_ADD_HOW})"
            lines.append(f"签名者指纹:{grouped(self.fingerprint)}  {trust}")
        if self.signer_changed:
            lines.append(f"注意:签名密钥已更换。上一版由指纹 {grouped(self.previous_fingerprint)} "
                         "签名,本版换了新的密钥;请与对方核对新指纹。")
        if self.changes is not None:
            count = len(self.changes["changes"])
            lines.append(f"更正原因:{_short(self.changes['reason'])};首次导出后共修改 {count} 处"
                         "(见 changes.json,或导入后用 jianwang history 查看)。")
            shown = self.change_lines[:SHOWN_CHANGES]
            lines += [f"  · {_short(line, 300)}" for line in shown]
            if count > len(shown):
                lines.append(f"  ……另有 {count - len(shown)} 处")
        if self.ok:
            lines.append("验证通过:文件齐全、未被改动、签名有效,表格数字与 data.json 一致。")
        else:
            lines.append(f"验证未通过,{len(self.failures)} 个问题:")
            lines += [f"  - {f}" for f in self.failures]
        return lines


def _schema_failures(document: Any, schema_file: str, name: str, result: VerifyResult) -> bool:
    """Report where `document` breaks its schema (at most 20 places); True when it is valid."""
    errors = schema_errors(document, schema_file)
    for error in errors[:20]:
        where = ".".join(str(p) for p in error.path) or "(整体)"
        result.fail(f"{name} 的 {where} 不符合格式:{_short(error.message)}")
    return not errors


def _short(text: str, limit: int = 200) -> str:
    """jsonschema quotes the offending value: keep a message readable and free of controls."""
    text = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    return text if len(text) <= limit else text[:limit] + "……"


def verify_file(path: str | Path, trusted: dict[str, tuple[str, str]] | None = None
                ) -> VerifyResult:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BUNDLE_BYTES:
            result = VerifyResult(path.name)
            result.fail(f"文件过大({size // 1024 // 1024} MB),不是剑网填报的数据包。")
            return result
        raw = path.read_bytes()
    except OSError as e:
        raise UserError(f"无法读取 {path}:{os_reason(e)}") from None
    return verify_bundle(raw, trusted, source=path.name)


def verify_bundle(raw: bytes, trusted: dict[str, tuple[str, str]] | None = None,
                  source: str = "数据包", *, read_month: bool = True) -> VerifyResult:
    """trusted: {fingerprint: (base64 public key, label, (region, department) or None)}.

    A key is trusted only for the office it was trusted for: the manifest's region and
    department must equal that office. An entry without an office trusts no one.

    `read_month=False`: data.json's format, schema, office and month are checked as the
    reading checks them (`interchange.read_header`), not read into a month and compared
    with the two workbooks (about 0.9 s of 1 s at 10,000 cases). That is the export's
    check of its own bundle: its month passed validation just before, whose rules the
    reading applies again, and both workbooks are written from that month."""
    result = VerifyResult(source)
    if len(raw) > MAX_BUNDLE_BYTES:
        result.fail("文件过大,不是剑网填报的数据包。")
        return result
    members = result.check("zip", lambda: _read_members(raw, result))
    if members is None:
        result.checks["zip"] = False
        return result
    manifest_raw = members.get(MANIFEST_NAME)
    signature_raw = members.get(SIGNATURE_NAME)
    if manifest_raw is None:
        result.fail(f"数据包中没有 {MANIFEST_NAME}(清单)。")
        result.checks["manifest"] = False
    if signature_raw is None:
        result.fail(f"数据包中没有 {SIGNATURE_NAME}(签名)。")
        result.checks["signature"] = False
    if manifest_raw is None:
        return result
    result.manifest_sha256 = hashlib.sha256(manifest_raw).hexdigest()
    manifest = result.check("manifest", lambda: _check_manifest(manifest_raw, result))
    if manifest is None:
        return result
    result.manifest = manifest
    result.check("files", lambda: _check_files(manifest, members, result))
    before = len(result.failures)
    public = _check_signer(manifest, result)
    if public is not None and signature_raw is not None:
        _check_signature(public, manifest_raw, signature_raw, result)
    result.checks["signature"] = result.signature_valid and len(result.failures) == before
    if public is not None:
        _check_trust(public, trusted or {}, result)
    result.check("contents", lambda: (_check_contents(manifest, members, result, read_month),
                                      _check_changes(manifest, members, result)))
    return result


# ---------------------------------------------------------------- the zip


def _unsafe_name(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    if not name or any(ord(ch) < 32 for ch in name):
        return "文件名为空或含控制字符"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "是绝对路径"
    parts = re.split(r"[\\/]", name)
    if ".." in parts:
        return "含有“..”路径"
    if name.endswith("/") or info.is_dir():
        return "是文件夹"
    if "/" in name or "\\" in name:
        return "位于子文件夹中(数据包内只应有平铺的文件)"
    mode = info.external_attr >> 16
    if info.create_system == 3 and stat.S_IFMT(mode) not in (0, stat.S_IFREG):
        return "是链接或特殊文件"
    if info.flag_bits & 0x1:
        return "被加密"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return "使用了不支持的压缩方式"
    return None


def _read_members(raw: bytes, result: VerifyResult) -> dict[str, bytes] | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, ValueError, OSError):
        result.fail("不是有效的 zip 文件(可能已损坏或不完整)。")
        return None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            result.fail(f"数据包内文件过多({len(infos)} 个,最多 {MAX_MEMBERS} 个)。")
            return None
        seen: dict[str, str] = {}
        safe = []
        total = 0
        for info in infos:
            name = info.filename
            problem = _unsafe_name(info)
            folded = name.casefold()
            if problem:
                result.fail(f"数据包内的“{name}”{problem},拒绝读取。")
                continue
            if folded in seen:
                result.fail(f"数据包内有重名文件“{name}”,拒绝读取。")
                continue
            seen[folded] = name
            if info.file_size > MAX_MEMBER_BYTES:
                result.fail(f"数据包内的“{name}”过大({info.file_size} 字节)。")
                continue
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
                result.fail(f"数据包内的“{name}”压缩比异常({ratio:.0f} 倍),疑为压缩炸弹。")
                continue
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                result.fail("数据包解压后的总大小超出上限。")
                return None
            safe.append(info)
        if result.failures:
            return None
        members = {}
        for info in safe:
            try:
                with archive.open(info) as f:
                    data = f.read(MAX_MEMBER_BYTES + 1)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError,
                    zlib.error):
                result.fail(f"数据包内的“{info.filename}”已损坏(校验和不符或无法解压)。")
                result.damaged.add(info.filename)
                continue
            if len(data) != info.file_size:
                result.fail(f"数据包内的“{info.filename}”实际大小与记录不符。")
                result.damaged.add(info.filename)
                continue
            members[info.filename] = data
    return members


# ---------------------------------------------------------------- manifest and signature


def _check_manifest(raw: bytes, result: VerifyResult) -> dict[str, Any] | None:
    from .interchange import parse_json

    try:
        manifest = parse_json(raw)
    except UserError as e:
        result.fail(f"{MANIFEST_NAME} 无法读取:{e.message}")
        return None
    if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT:
        result.fail(f"{MANIFEST_NAME} 不是 {BUNDLE_FORMAT} 格式的清单。")
        return None
    if not _schema_failures(manifest, "jianwang-bundle-1.schema.json", MANIFEST_NAME, result):
        return None
    if (manifest["revision"] == 1) != (manifest["previous"] is None):
        result.fail(f"{MANIFEST_NAME}:第1版的 previous 应为 null,以后各版应为上一版清单的 sha256。")
    return manifest


def _check_files(manifest: dict, members: dict[str, bytes], result: VerifyResult) -> None:
    listed: dict[str, dict] = {}
    for entry in manifest["files"]:
        name = entry["name"]
        if name in (MANIFEST_NAME, SIGNATURE_NAME) or name in listed:
            result.fail(f"{MANIFEST_NAME} 中的“{name}”重复或不应列出。")
            continue
        listed[name] = entry
    present = set(members) - {MANIFEST_NAME, SIGNATURE_NAME}
    for name in sorted(set(listed) - present - result.damaged):  # damaged: said already
        result.fail(f"清单列出的“{name}”不在数据包中(文件被删除)。")
    for name in sorted(present - set(listed)):
        result.fail(f"数据包中的“{name}”不在清单中(文件被添加)。")
    for name in sorted(set(listed) & present):
        data = members[name]
        entry = listed[name]
        if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            result.fail(f"“{name}”的内容与清单记录的 sha256 不符(文件被改动)。")


def _check_signer(manifest: dict, result: VerifyResult) -> PublicKey | None:
    signer = manifest["signer"]
    if signer["algorithm"] != ALGORITHM:
        result.fail(f"不支持的签名算法 {signer['algorithm']}。")
        return None
    try:
        raw = base64.b64decode(signer["public_key"], validate=True)
    except binascii.Error:
        raw = b""
    if len(raw) != 32:
        result.fail("清单中的公钥不是 32 字节的 Ed25519 公钥。")
        return None
    result.fingerprint = key_fingerprint(raw)
    if signer["fingerprint"] != result.fingerprint:
        result.fail(f"清单中的指纹 {signer['fingerprint']} 与公钥算出的 {result.fingerprint} 不符。")
    return PublicKey(raw)


def _check_signature(public: PublicKey, manifest_raw: bytes, signature_raw: bytes,
                     result: VerifyResult) -> None:
    try:
        signature = base64.b64decode(signature_raw, validate=True)
    except (binascii.Error, ValueError):
        signature = b""
    # Canonical form only: base64 has spare bits, so another text could decode the same.
    if len(signature) != 64 or base64.b64encode(signature) != signature_raw:
        result.fail(f"{SIGNATURE_NAME} 不是标准 base64 编码的 64 字节 Ed25519 签名。")
        return
    if not public.verify(signature, manifest_raw):
        result.fail(f"签名无效:{MANIFEST_NAME} 被改动过,或签名不是用清单中的公钥做的。")
        return
    result.signature_valid = True


def _check_trust(public: PublicKey, trusted: dict[str, tuple[str, str]],
                 result: VerifyResult) -> None:
    from .domain import geography

    known = trusted.get(public.fingerprint)
    if not known or known[0] != public.base64:
        return
    office = known[2] if len(known) > 2 else None
    result.trusted_office = tuple(office) if office else None
    manifest = result.manifest or {}
    if office is None:
        result.trust_note = ("受信任列表中的这个公钥没有注明属于哪个单位;请注明单位重新加入"
                             f"({TRUST_ADD_HOW} --region 市(州) --department 部门)")
    elif tuple(office) != (manifest.get("region"), manifest.get("department")):
        result.trust_note = (f"这个公钥受信任为{geography().default_unit(*office)}的公钥,"
                             f"不是{_short(str(manifest.get('unit')), 60)}的")
    else:
        result.trusted = True
        result.trusted_label = known[1] or public.fingerprint


# ---------------------------------------------------------------- the contents


def _check_contributions(form, month: MonthData, data: dict, result: VerifyResult) -> None:
    """At a 市(州)版权局 the total includes each department's figures: never less than them."""
    from .interchange import contribution_grids, own_figures

    try:
        parts = contribution_grids(form, data)
    except UserError as e:
        result.fail(f"{DATA_NAME}:{e.message}")
        result.failures.extend(f"{DATA_NAME}:{d}" for d in e.details)
        return
    departments = [name for name, _ in parts]
    if len(set(departments)) != len(departments) or data["department"] in departments:
        result.fail(f"{DATA_NAME}:contributions 中的部门重复,或包含填报单位自己。")
    result.contributions = data.get("contributions") or []
    for category, key in own_figures(form, month.statistics, parts)[1]:
        result.fail(f"{DATA_NAME}:“{category}”行的“{form.measure(key).label}”合计 "
                    f"{month.statistics[category][key]} 小于各部门数字之和。")


def _check_contents(manifest: dict, members: dict[str, bytes], result: VerifyResult,
                    read_month: bool = True) -> None:
    from . import excel
    from .interchange import month_from_dict, parse_json, read_header

    if manifest.get("kind", "month") != "month":
        # A 工作计划 / 工作总结: one attached document, whatever its format.
        if len(manifest["files"]) != 1:
            result.fail(f"{MANIFEST_NAME}:工作计划或工作总结的数据包应正好附有一个文件。")
        return
    raw = members.get(DATA_NAME)
    if raw is None:
        result.fail(f"数据包中没有 {DATA_NAME}。")
        return
    try:
        data = parse_json(raw)
        if not read_month:
            _, problems = read_header(data)
            for problem in problems:
                result.fail(f"{DATA_NAME}:{problem}")
            _check_header(manifest, data, result)
            return
        form, header, month = month_from_dict(data)
    except UserError as e:
        result.fail(f"{DATA_NAME}:{e.message}")
        for detail in e.details:
            result.fail(f"{DATA_NAME}:{detail}")
        return
    result.month = month
    _check_contributions(form, month, data, result)
    _check_header(manifest, {**header, "campaign": form.campaign, "period": month.period},
                  result)
    statistics_name, cases_name = excel.file_names(form)
    for name, compare in ((statistics_name, excel.compare_statistics),
                          (cases_name, excel.compare_cases)):
        xlsx = members.get(name)
        if xlsx is None:
            result.fail(f"数据包中没有“{name}”。")
            continue
        try:
            problems = compare(form, month, xlsx)
        except excel.SheetReadError as e:
            problems = [str(e)]
        for problem in problems:
            result.fail(f"“{name}”:{problem}")


def _check_header(manifest: dict, data: dict, result: VerifyResult) -> None:
    """The manifest names the office, campaign and month that data.json holds."""
    for key in ("region", "department", "unit"):
        if data[key] != manifest[key]:
            result.fail(f"清单的 {key}“{manifest[key]}”与 {DATA_NAME} 的“{data[key]}”不一致。")
    if manifest["campaign"] != data["campaign"] or manifest["period"] != data["period"]:
        result.fail(f"清单的专项行动或月份与 {DATA_NAME} 不一致。")


def _check_changes(manifest: dict, members: dict[str, bytes], result: VerifyResult) -> None:
    """changes.json: present exactly from the second revision on, and chained to `previous`."""
    from .interchange import parse_json

    if manifest.get("kind", "month") != "month":
        return  # a 工作计划 / 工作总结 is one document; its revisions carry no month changes
    raw = members.get(CHANGES_NAME)
    if manifest["revision"] == 1:
        if raw is not None:
            result.fail(f"第1版不应有 {CHANGES_NAME}。")
        return
    if raw is None:
        result.fail(f"第{manifest['revision']}版缺少 {CHANGES_NAME}(更正原因和修改记录)。")
        return
    try:
        changes = parse_json(raw)
    except UserError as e:
        result.fail(f"{CHANGES_NAME} 无法读取:{e.message}")
        return
    if not isinstance(changes, dict) or changes.get("format") != CHANGES_FORMAT:
        result.fail(f"{CHANGES_NAME} 不是 {CHANGES_FORMAT} 格式。")
        return
    if not _schema_failures(changes, "jianwang-changes-1.schema.json", CHANGES_NAME, result):
        return
    revisions = changes["revisions"]
    if (changes["period"] != manifest["period"] or changes["revision"] != manifest["revision"]
            or [r["revision"] for r in revisions] != list(range(1, manifest["revision"]))):
        result.fail(f"{CHANGES_NAME} 的月份或版本与清单不一致。")
        return
    if revisions[-1]["manifest_sha256"] != manifest["previous"]:
        result.fail(f"{CHANGES_NAME} 记录的上一版清单与清单的 previous 不一致。")
    result.changes = changes
    result.previous_fingerprint = revisions[-1]["fingerprint"]
    try:
        form = load_form(manifest["campaign"])
    except UserError:
        return  # an unknown campaign has already failed the content check
    result.change_lines = [AuditEntry(**entry).describe(form)
                           for entry in changes["changes"][:SHOWN_CHANGES]]
