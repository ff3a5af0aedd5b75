"""The installation's Ed25519 key: kept privately beside the database, shown by fingerprint."""

import hashlib
import os
import stat

import pytest

from jianwang_desktop.core import signing
from jianwang_desktop.core.errors import UserError


def test_key_is_made_once_beside_the_database_and_owner_only(db_path):
    assert not signing.has_key(db_path)
    key = signing.installation_key(db_path)
    path = db_path.parent / "signing-key.pem"
    assert path.exists() and signing.has_key(db_path)
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = signing.installation_key(db_path)
    assert again.public == key.public
    with pytest.raises(UserError, match="不会覆盖"):
        signing.create_key(db_path)


def test_fingerprint_is_sha256_of_the_raw_public_key(db_path):
    key = signing.installation_key(db_path)
    assert len(key.public.raw) == 32
    assert key.fingerprint == hashlib.sha256(key.public.raw).hexdigest()[:16]
    assert signing.grouped("0123456789abcdef") == "0123 4567 89ab cdef"


def test_signature_verifies_only_for_the_signed_bytes(db_path):
    key = signing.installation_key(db_path)
    signature = key.sign(b"manifest")
    assert len(signature) == 64
    assert key.public.verify(signature, b"manifest")
    assert not key.public.verify(signature, b"manifest!")
    assert not key.public.verify(bytes(64), b"manifest")


def test_passphrase_protects_the_key(db_path):
    assert not signing.needs_passphrase(db_path)
    key = signing.installation_key(db_path, passphrase="口令 123")
    assert signing.needs_passphrase(db_path)
    assert b"ENCRYPTED" in (db_path.parent / "signing-key.pem").read_bytes()
    with pytest.raises(UserError, match="设有口令"):
        signing.load_key(db_path)
    with pytest.raises(UserError, match="口令不对"):
        signing.load_key(db_path, passphrase="wrong")
    assert signing.load_key(db_path, passphrase="口令 123").public == key.public
    # The fingerprint can still be shown without the passphrase.
    assert signing.installation_public_key(db_path) == key.public


def test_exported_public_key_reads_back_and_holds_no_private_key(db_path):
    key = signing.installation_key(db_path)
    text = key.public.export_text("绵阳市版权局")
    assert "PRIVATE" not in text and key.fingerprint in text and "绵阳市版权局" in text
    assert signing.parse_public_key(text) == key.public
    assert signing.parse_public_key(key.public.base64 + "\n") == key.public
    with pytest.raises(UserError, match="不是公钥文件"):
        signing.parse_public_key("hello")
    private_pem = (db_path.parent / "signing-key.pem").read_text()
    with pytest.raises(UserError):
        signing.parse_public_key(private_pem)
