"""The 工作计划 and 工作总结 as signed bundles of their own kind.

Same format as a month's bundle (docs/bundle-format.md) with `"kind": "work_plan"` or
`"summary"` in the manifest, `period` the month of the form definition's deadline, and
exactly one attached document (any format: .docx, .pdf, …). Each new document is the next
revision, chained to the previous one through `previous`.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from .bundle import _UNSAFE_IN_NAMES, ExportResult, _write_atomically, pack_bundle
from .errors import UserError
from .files import read_bounded
from .formdef import Deadline
from .verify import MAX_MEMBER_BYTES


def deadline(store, kind: str) -> Deadline:
    for d in store.form.deadlines:
        if d.key == kind:
            return d
    names = "、".join(f"{d.key}({d.label})" for d in store.form.deadlines)
    raise UserError(f"没有“{kind}”这种材料;可选:{names}。")


def _history_key(kind: str) -> str:
    return f"attachment_exports:{kind}"


def attachment_history(store, kind: str) -> list[dict]:
    """[{revision, created, manifest_sha256, file_name}] of the documents sent so far."""
    return json.loads(store.setting(_history_key(kind)) or "[]")


def export_attachment(store, kind: str, document: str | Path, out_dir: str | Path, *,
                      passphrase: str | None = None, now: datetime | None = None
                      ) -> ExportResult:
    from .signing import installation_key, refuse_private_key

    due = deadline(store, kind)
    profile = store.profile()
    if profile is None:
        raise UserError("还没有设置填报单位信息,请先完成设置(jianwang init)。")
    document, out_dir = Path(document), Path(out_dir)
    if not out_dir.is_dir():
        raise UserError(f"输出文件夹 {out_dir} 不存在,请先创建或另选一个文件夹。")
    data = read_bounded(document, MAX_MEMBER_BYTES, f"{document.name} 过大(上限 64 MB)。")
    name = _UNSAFE_IN_NAMES.sub("_", document.name).strip() or "附件"
    if name in ("manifest.json", "manifest.sig"):
        name = "附件-" + name
    history = attachment_history(store, kind)
    revision = len(history) + 1
    created = (now or datetime.now().astimezone()).replace(microsecond=0)
    key = installation_key(store.path, passphrase)
    refuse_private_key(document, data, store.path, key)
    bundle = pack_bundle(store.form, profile, due.due.strftime("%Y-%m"), {name: data},
                         revision=revision,
                         previous=history[-1]["manifest_sha256"] if history else None,
                         created=created, key=key, kind=kind)
    path = out_dir / bundle.file_name
    _write_atomically(path, bundle.content)
    history.append({"revision": revision, "created": bundle.manifest["created"],
                    "manifest_sha256": bundle.manifest_sha256, "file_name": bundle.file_name})
    store.set_setting(_history_key(kind), json.dumps(history, ensure_ascii=False))
    return ExportResult(path, revision, key.fingerprint, again=False)
