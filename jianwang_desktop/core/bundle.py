"""The signed submission bundle: one .zip per office, month and revision.

Members (docs/bundle-format.md): data.json (jianwang-data/1), the two attachments as
.xlsx, from the second revision on changes.json (the earlier revisions and every change
made since the first export), manifest.json (what is in the zip, who signed) and
manifest.sig (base64 Ed25519 signature of the exact bytes of manifest.json). The same
data, key and time give the same bytes: members sorted by name, fixed timestamps and
metadata, fixed compression.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, NamedTuple

from .domain import Profile
from .errors import UserError, os_reason
from .formdef import FormDefinition
from .records import MonthData
from .recipients import provincial_emails
from .signing import SigningKey

BUNDLE_FORMAT = "jianwang-bundle/1"
DATA_NAME = "data.json"
CHANGES_NAME = "changes.json"
CHANGES_FORMAT = "jianwang-changes/1"
MANIFEST_NAME = "manifest.json"
SIGNATURE_NAME = "manifest.sig"
ALGORITHM = "Ed25519"

Progress = Callable[[int, int, str], None]  # (step, total steps, what is happening)

_UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


class Bundle(NamedTuple):
    file_name: str
    content: bytes  # the .zip
    manifest: dict[str, Any]
    manifest_bytes: bytes

    @property
    def manifest_sha256(self) -> str:
        return hashlib.sha256(self.manifest_bytes).hexdigest()


def bundle_file_name(profile: Profile, period: str, revision: int) -> str:
    """绵阳市-版权局-2015-08-第1版.zip"""
    region = _UNSAFE_IN_NAMES.sub("_", profile.region)
    department = _UNSAFE_IN_NAMES.sub("_", profile.department)
    return f"{region}-{department}-{period}-第{revision}版.zip"


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def build_bundle(form: FormDefinition, profile: Profile, month: MonthData, *, revision: int,
                 previous: str | None, created: datetime, key: SigningKey,
                 emails: dict[str, str] | None = None, changes: dict[str, Any] | None = None,
                 progress: Progress | None = None,
                 contributions: list[dict] | None = None) -> Bundle:
    """Everything in memory; nothing is written or recorded here.

    `changes`: the changes.json of a later revision (`changes_document`), None for 第1版.
    """
    from . import excel
    from .interchange import dumps, month_to_dict

    if created.tzinfo is None:
        raise ValueError("created needs a UTC offset")
    step = _stepper(progress, 4)
    step("正在写数据文件 data.json")
    data = month_to_dict(form, profile, month, contributions)
    files = {DATA_NAME: dumps(data).encode("utf-8")}
    step("正在生成附件1、附件2 的 Excel 表格")
    files.update(excel.attachment_files(form, profile, month, emails, created))
    if changes is not None:
        files[CHANGES_NAME] = manifest_bytes(changes)
    step("正在签名")
    bundle = pack_bundle(form, profile, month.period, files, revision=revision,
                         previous=previous, created=created, key=key)
    step("正在打包")
    return bundle


def pack_bundle(form: FormDefinition, profile: Profile, period: str, files: dict[str, bytes],
                *, revision: int, previous: str | None, created: datetime, key: SigningKey,
                kind: str | None = None) -> Bundle:
    """Sign a manifest of `files` and zip them; kind None is a month's report."""
    from . import excel

    manifest = {
        "format": BUNDLE_FORMAT,
        **({"kind": kind} if kind else {}),
        "campaign": form.campaign,
        "region": profile.region,
        "department": profile.department,
        "unit": profile.unit,
        "period": period,
        "revision": revision,
        "created": created.isoformat(timespec="seconds"),
        "previous": previous,
        "files": [
            {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in sorted(files.items())
        ],
        "signer": {
            "algorithm": ALGORITHM,
            "public_key": key.public.base64,
            "fingerprint": key.fingerprint,
        },
    }
    raw_manifest = manifest_bytes(manifest)
    files = {**files, MANIFEST_NAME: raw_manifest,
             SIGNATURE_NAME: base64.b64encode(key.sign(raw_manifest))}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in sorted(files):
            excel.write_member(archive, name, files[name], created)
    name = bundle_file_name(profile, period, revision)
    if kind:
        name = name.replace(f"-{period}-", f"-{ATTACHMENT_KINDS[kind]}-")
    return Bundle(name, out.getvalue(), manifest, raw_manifest)


ATTACHMENT_KINDS = {"work_plan": "工作计划", "summary": "工作总结"}


def _stepper(progress: Progress | None, total: int) -> Callable[[str], None]:
    count = [0]

    def step(text: str) -> None:
        count[0] += 1
        if progress is not None:
            progress(count[0], total, text)

    return step


# ---------------------------------------------------------------- export from the store


class ExportResult(NamedTuple):
    path: Path
    revision: int
    fingerprint: str
    again: bool  # True: the month was already exported; its stored bundle was written again


def export_month(store, period: str, out_dir: str | Path, *, passphrase: str | None = None,
                 now: datetime | None = None, progress: Progress | None = None) -> ExportResult:
    """Check, sign and write the month's bundle into out_dir, then lock the month.

    A month that is already exported (and locked) gets its stored bundle written again,
    byte for byte; changing it needs `store.start_correction` first.
    """
    from .rollup import combined_month, contribution_dicts
    from .signing import installation_key
    from .validation import validate_month

    form = store.form
    label = form.month(period).label
    profile = store.profile()
    if profile is None:
        raise UserError("还没有设置填报单位信息,请先完成设置(jianwang init)再导出。")
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise UserError(f"输出文件夹 {out_dir} 不存在,请先创建或另选一个文件夹。")
    state = store.export_state(period)
    if state.locked:
        record = store.exports(period)[-1]
        path = out_dir / record.file_name
        _write_atomically(path, store.exported_bundle(period, record.revision))
        if progress:
            progress(1, 1, f"{label}已导出过,已重新写出第{record.revision}版")
        return ExportResult(path, record.revision, record.fingerprint, again=True)
    month = combined_month(store, period)  # at a 市(州)版权局: the city total
    errors = [f for f in validate_month(form, month) if f.is_error]
    if errors:
        shown = [f.describe(form) for f in errors[:30]]
        if len(errors) > 30:
            shown.append(f"……另有 {len(errors) - 30} 个错误")
        raise UserError(f"{label}的数据有 {len(errors)} 个错误,不能导出。请改正后再导出:", shown)
    key = installation_key(store.path, passphrase)
    history = store.exports(period)
    previous = history[-1].manifest_sha256 if history else None
    created = (now or datetime.now().astimezone()).replace(microsecond=0)
    changes = changes_document(store, period) if history else None
    bundle = build_bundle(form, profile, month, revision=state.next_revision,
                          previous=previous, created=created, key=key,
                          emails=provincial_emails(store), changes=changes, progress=progress,
                          contributions=contribution_dicts(store, period))
    _refuse_unverifiable(bundle, key, label)
    path = out_dir / bundle.file_name
    temporary = path.with_name(path.name + ".part")
    _write_atomically(temporary, bundle.content)
    try:
        store.record_export(period, state.next_revision, bundle.manifest["created"],
                            key.fingerprint, bundle.file_name, bundle.manifest_sha256,
                            bundle.content)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    try:
        os.replace(temporary, path)
    except OSError as e:
        raise UserError(f"第{state.next_revision}版已签名保存,但无法写入 {path}:{os_reason(e)}。"
                        "请换一个文件夹再次导出,会写出同一个文件。") from None
    return ExportResult(path, state.next_revision, key.fingerprint, again=False)


def _refuse_unverifiable(bundle: Bundle, key: SigningKey, label: str) -> None:
    """What is about to be recorded and locked must pass the receivers' check: its files,
    hashes and signature, data.json against the schema and its header (the month, which the
    receivers read from it too, was validated just before: `verify_bundle`'s read_month)."""
    from .verify import verify_bundle

    result = verify_bundle(bundle.content, read_month=False)
    if not result.ok:
        raise UserError(f"{label}的数据包未通过核验,未导出,月份未锁定。请改正后再导出:",
                        result.failures[:30])


def changes_document(store, period: str) -> dict[str, Any]:
    """changes.json of the revision being prepared: the earlier ones and the audit trail."""
    state = store.export_state(period)
    return {
        "format": CHANGES_FORMAT,
        "period": period,
        "revision": state.next_revision,
        "reason": state.correction_reason,
        "revisions": [
            {"revision": r.revision, "created": r.created, "manifest_sha256": r.manifest_sha256,
             "fingerprint": r.fingerprint, "reason": r.reason}
            for r in store.exports(period)
        ],
        "changes": [entry.as_dict() for entry in store.audit_trail(period)],
    }


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    try:
        with open(temporary, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, path)
    except OSError as e:
        temporary.unlink(missing_ok=True)
        raise UserError(f"无法写入 {path}:{os_reason(e)}") from None
