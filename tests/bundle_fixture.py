"""TEST FIXTURE: a signed bundle as `export_month` writes it, made without a store.

Mail reads bundles through the verifier, so these are real: data.json, both .xlsx,
manifest.json and a valid Ed25519 signature by a fixed test key. `manifest_changes`
alters manifest.json after signing, as someone tampering with the file would.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jianwang_desktop.core.bundle import build_bundle, manifest_bytes
from jianwang_desktop.core.domain import Profile
from jianwang_desktop.core.formdef import FormDefinition
from jianwang_desktop.core.records import MonthData
from jianwang_desktop.core.signing import SigningKey

TEST_KEY = SigningKey(Ed25519PrivateKey.from_private_bytes(bytes(range(32))))
TEST_KEY_FINGERPRINT = TEST_KEY.fingerprint
CREATED = datetime(2015, 8, 28, 10, 0, tzinfo=timezone(timedelta(hours=8)))


def write_test_bundle(folder: Path, form: FormDefinition, profile: Profile, month: MonthData,
                      manifest_changes: dict | None = None) -> Path:
    bundle = build_bundle(form, profile, month, revision=1, previous=None, created=CREATED,
                          key=TEST_KEY)
    content = bundle.content
    if manifest_changes:
        manifest = {**bundle.manifest, **manifest_changes}
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(content)) as source, \
                zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                data = source.read(info)
                if info.filename == "manifest.json":
                    data = manifest_bytes(manifest)
                target.writestr(info.filename, data)
        content = out.getvalue()
    path = Path(folder) / bundle.file_name
    path.write_bytes(content)
    return path
