"""Item 6 of issue 8: the private signing key stays private, a passphrase protects it, and
losing it is survivable (see also tests/test_audit.py for the change shown to the receiver)."""

from __future__ import annotations

import base64
import io
import logging
import os
import stat
import zipfile

import pytest

from jianwang_desktop.core import signing
from jianwang_desktop.core.bundle import export_month
from jianwang_desktop.core.errors import UserError
from jianwang_desktop.core.mail import make_drafts, write_drafts
from jianwang_desktop.core.recipients import set_recipient_email
from sample_data import sample_month

import dbcontent
from conftest import run_cli

AUG = "2015-08"


def secret_forms(db_path, passphrase=None) -> dict[str, bytes]:
    """Every way the private key could leak: raw bytes, hex, base64, PEM and DER."""
    from cryptography.hazmat.primitives import serialization

    private = signing.load_key(db_path, passphrase)._private
    raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    der = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    pem = signing.key_path(db_path).read_bytes()
    pem_body = b"".join(line for line in pem.splitlines() if not line.startswith(b"-----"))
    return {
        "raw": raw, "hex": raw.hex().encode(), "HEX": raw.hex().upper().encode(),
        "base64": base64.b64encode(raw), "base64url": base64.urlsafe_b64encode(raw).rstrip(b"="),
        "der": der, "der base64": base64.b64encode(der), "pem body": pem_body,
        "pem line": pem.splitlines()[1], "pem marker": b"PRIVATE KEY",
    }


def assert_no_secret(data: bytes, secrets: dict[str, bytes], where: str) -> None:
    for form, secret in secrets.items():
        assert secret not in data, f"the private key ({form}) is in {where}"


def expanded(zip_bytes: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(zip_bytes)) as z:
        return b"".join(z.read(i) for i in z.infolist())


@pytest.mark.skipif(os.name != "posix", reason="mode bits are POSIX")
def test_the_private_key_file_is_owner_only(store, tmp_path):
    old = os.umask(0)  # even a permissive umask must not open the key to others
    try:
        signing.installation_key(store.path)
    finally:
        os.umask(old)
    mode = stat.S_IMODE(signing.key_path(store.path).stat().st_mode)
    assert mode == 0o600, oct(mode)


def test_the_private_key_is_in_no_bundle_mail_or_log(store, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    store.replace_month(sample_month(store.form))
    result = export_month(store, AUG, tmp_path)
    secrets = secret_forms(store.path)
    bundle = result.path.read_bytes()
    assert_no_secret(bundle, secrets, "the bundle")
    assert_no_secret(expanded(bundle), secrets, "the bundle's members")
    set_recipient_email(store, "省版权局版权处", "banquanchu@example.gov.cn")
    drafts = write_drafts(make_drafts(store, AUG, result.path), tmp_path / "mail")
    assert drafts
    for draft in drafts:
        assert_no_secret(draft.read_bytes(), secrets, f"the e-mail draft {draft.name}")
    public = signing.public_path(store.path).read_bytes()
    assert_no_secret(public, secrets, "the public key file")
    assert_no_secret(caplog.text.encode(), secrets, "the log")
    assert_no_secret(dbcontent.full_dump(store.path).__repr__().encode(), secrets,
                     "the database")
    path = store.path
    store.close()
    for args in (["key", "show"], ["key", "export", str(tmp_path / "pub.pem")],
                 ["export", "--month", AUG, "--out", str(tmp_path)],
                 ["verify", str(result.path)]):
        r = run_cli(*args, db=path)
        assert r.returncode == 0, r.stderr.decode("utf-8")
        assert_no_secret(r.stdout + r.stderr, secrets, f"the output of {args[0]}")
    assert_no_secret((tmp_path / "pub.pem").read_bytes(), secrets, "the exported public key")


def test_a_passphrase_protected_key_is_unusable_without_it(store, tmp_path):
    signing.create_key(store.path, "正确的口令")
    assert signing.needs_passphrase(store.path)
    pem = signing.key_path(store.path).read_bytes()
    assert b"ENCRYPTED" in pem
    with pytest.raises(UserError, match="签名密钥设有口令,请输入口令"):
        signing.load_key(store.path)
    with pytest.raises(UserError, match="口令不对"):
        signing.load_key(store.path, "错误的口令")
    assert signing.load_key(store.path, "正确的口令").fingerprint == \
        signing.installation_public_key(store.path).fingerprint
    # The encrypted file does not hold the key in the clear.
    assert_no_secret(pem, {k: v for k, v in secret_forms(store.path, "正确的口令").items()
                           if k not in ("pem body", "pem line", "pem marker")}, "the key file")


def test_export_without_the_passphrase_changes_nothing(store, tmp_path):
    store.replace_month(sample_month(store.form))
    signing.create_key(store.path, "口令")
    before = dbcontent.full_dump(store.path)
    out = tmp_path / "out"
    out.mkdir()
    for wrong in (None, "别的"):
        with pytest.raises(UserError, match="口令"):
            export_month(store, AUG, out, passphrase=wrong)
    assert dbcontent.full_dump(store.path) == before and not store.is_locked(AUG)
    assert list(out.iterdir()) == []
    path = store.path
    store.close()
    r = run_cli("export", "--month", AUG, "--out", str(out), db=path)
    assert r.returncode == 2 and "错误:签名密钥设有口令" in r.stderr.decode("utf-8")
    assert "Traceback" not in r.stderr.decode("utf-8")
    assert list(out.iterdir()) == []


def test_losing_the_key_makes_a_new_one_and_exports_go_on(store, tmp_path):
    store.replace_month(sample_month(store.form))
    old = signing.installation_key(store.path).fingerprint
    signing.key_path(store.path).unlink()
    result = export_month(store, AUG, tmp_path)  # a new key is made on first use
    assert result.fingerprint != old
    assert signing.installation_public_key(store.path).fingerprint == result.fingerprint
    assert store.exports(AUG)[-1].fingerprint == result.fingerprint
