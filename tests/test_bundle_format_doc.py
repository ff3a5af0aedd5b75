"""docs/bundle-format.md is enough: a bundle from unseen data verifies with PyNaCl alone.

The checker below uses only the standard library and PyNaCl (libsodium), not a line of
jianwang_desktop, and follows the numbered steps of the document.
"""

import base64
import hashlib
import json
import re
import zipfile
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jianwang_desktop.core import signing
from jianwang_desktop.core.bundle import build_bundle
from jianwang_desktop.core.formdef import load_form
from strategies import months

from conftest import MIANYANG, ROOT

nacl_signing = pytest.importorskip("nacl.signing")
nacl_exceptions = pytest.importorskip("nacl.exceptions")

FORM = load_form("剑网2015")
DOC = (ROOT / "docs" / "bundle-format.md").read_text("utf-8")


class Rejected(Exception):
    pass


def independent_verify(path) -> dict:
    """Steps 1-6 of docs/bundle-format.md; returns the manifest or raises Rejected."""
    with zipfile.ZipFile(path) as z:  # step 1
        infos = z.infolist()
        if len(infos) > 16:
            raise Rejected("too many members")
        names = [i.filename for i in infos]
        if len({n.casefold() for n in names}) != len(names):
            raise Rejected("duplicate")
        for info in infos:
            n = info.filename
            if (n.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", n) or ".." in re.split(
                    r"[\\/]", n) or "/" in n or "\\" in n or info.flag_bits & 1
                    or (info.external_attr >> 16) & 0o170000 not in (0, 0o100000)
                    or info.file_size > 64 * 1024 * 1024):
                raise Rejected(f"unsafe member {n}")
        members = {i.filename: z.read(i) for i in infos}
    try:  # step 2
        manifest_bytes = members.pop("manifest.json")
        signature_text = members.pop("manifest.sig")
    except KeyError as e:
        raise Rejected(f"missing {e}") from None
    try:  # step 3
        manifest = json.loads(manifest_bytes.decode("utf-8"))
    except ValueError:
        raise Rejected("manifest is not JSON") from None
    if manifest["format"] != "jianwang-bundle/1":
        raise Rejected("format")
    public_key = base64.b64decode(manifest["signer"]["public_key"], validate=True)  # step 4
    if len(public_key) != 32:
        raise Rejected("key length")
    if hashlib.sha256(public_key).hexdigest()[:16] != manifest["signer"]["fingerprint"]:
        raise Rejected("fingerprint")
    try:  # step 5
        signature = base64.b64decode(signature_text, validate=True)
    except ValueError:
        raise Rejected("signature is not base64") from None
    if len(signature) != 64:
        raise Rejected("signature length")
    try:
        nacl_signing.VerifyKey(public_key).verify(manifest_bytes, signature)
    except nacl_exceptions.BadSignatureError:
        raise Rejected("bad signature") from None
    listed = {f["name"]: f for f in manifest["files"]}  # step 6
    if set(listed) != set(members):
        raise Rejected("file set")
    for name, data in members.items():
        if len(data) != listed[name]["size"] or \
                hashlib.sha256(data).hexdigest() != listed[name]["sha256"]:
            raise Rejected(f"hash of {name}")
    return manifest


def test_the_document_names_every_manifest_field_and_step():
    for field in ("format", "campaign", "region", "department", "unit", "period", "revision",
                  "created", "previous", "files", "signer", "public_key", "fingerprint"):
        assert f"`{field}`" in DOC, field
    for words in ("原样字节", "RFC 8032", "前 16 位", "base64", "SHA-256", "恰好等于"):
        assert words in DOC, words


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(month=months(FORM), seconds=st.integers(0, 10**8), revision=st.integers(1, 5))
def test_unseen_data_verifies_independently_and_tampering_does_not(tmp_path_factory, month,
                                                                   seconds, revision):
    folder = tmp_path_factory.mktemp("doc")
    key = signing.installation_key(folder / "x.db")
    created = datetime(2015, 7, 1, tzinfo=timezone(timedelta(hours=8))) + timedelta(
        seconds=seconds)
    previous = None if revision == 1 else hashlib.sha256(b"earlier").hexdigest()
    bundle = build_bundle(FORM, MIANYANG, month, revision=revision, previous=previous,
                          created=created, key=key)
    path = folder / bundle.file_name
    path.write_bytes(bundle.content)
    manifest = independent_verify(path)
    assert manifest["signer"]["fingerprint"] == key.fingerprint
    assert manifest["created"] == created.isoformat()
    # Change the last byte of each member in turn: the document's steps reject every one.
    with zipfile.ZipFile(path) as z:
        files = {i.filename: z.read(i) for i in z.infolist()}
    for name in files:
        changed = dict(files)
        data = bytearray(changed[name])
        data[-1] = ord("A") if data[-1] != ord("A") else ord("B")  # stays base64 in .sig
        changed[name] = bytes(data)
        bad = folder / f"bad-{len(name)}.zip"
        with zipfile.ZipFile(bad, "w") as z:
            for n, d in changed.items():
                z.writestr(n, d)
        with pytest.raises(Rejected):
            independent_verify(bad)
