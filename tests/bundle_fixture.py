"""TEST FIXTURE: a zip shaped like an exported bundle (issue 4's layout), NOT a signed one.

The signer block and manifest.sig are fakes: the mail code reads bundles and never
verifies them, so these tests only need the layout and the fingerprints to be right.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

from jianwang_desktop.core.domain import Profile
from jianwang_desktop.core.formdef import FormDefinition
from jianwang_desktop.core.interchange import dumps, month_to_dict
from jianwang_desktop.core.records import MonthData

FAKE_KEY_FINGERPRINT = "fa4e0123456789ab"


def bundle_name(profile: Profile, period: str, revision: int = 1) -> str:
    return f"{profile.region}_{profile.department}_{period}_第{revision}版.zip"


def write_test_bundle(folder: Path, form: FormDefinition, profile: Profile, month: MonthData,
                      revision: int = 1, key_fingerprint: str = FAKE_KEY_FINGERPRINT,
                      manifest_changes: dict | None = None) -> Path:
    data_json = dumps(month_to_dict(form, profile, month)).encode("utf-8")
    members = {"data.json": data_json,
               f"附件1_{profile.unit}_{month.period}.xlsx": b"fake xlsx for tests " * 50}
    manifest = {
        "format": "jianwang-bundle/1", "campaign": form.campaign, "region": profile.region,
        "department": profile.department, "unit": profile.unit, "period": month.period,
        "revision": revision, "created": "2015-08-28T10:00:00+08:00", "previous": None,
        "files": [{"name": n, "sha256": hashlib.sha256(b).hexdigest(), "size": len(b)}
                  for n, b in members.items()],
        "signer": {"algorithm": "Ed25519", "public_key": "VEVTVCBGSVhUVVJFIE5PVCBBIEtFWQ==",
                   "fingerprint": key_fingerprint},
    }
    manifest.update(manifest_changes or {})
    path = Path(folder) / bundle_name(profile, month.period, revision)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        archive.writestr("manifest.sig", "RkFLRSBTSUdOQVRVUkUgRk9SIFRFU1RT\n")
    return path
