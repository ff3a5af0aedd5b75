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
    path = db_path.parent / (db_path.name + ".signing-key.pem")
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
    assert b"ENCRYPTED" in signing.key_path(db_path).read_bytes()
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
    private_pem = signing.key_path(db_path).read_text()
    with pytest.raises(UserError):
        signing.parse_public_key(private_pem)


def test_two_databases_in_one_folder_have_keys_of_their_own(tmp_path):
    police, net = tmp_path / "公安局.db", tmp_path / "网信办.db"
    a, b = signing.installation_key(police), signing.installation_key(net)
    assert a.fingerprint != b.fingerprint
    assert signing.key_path(police) != signing.key_path(net)
    assert signing.installation_public_key(police) == a.public
    assert signing.installation_public_key(net) == b.public
    assert not (tmp_path / signing.LEGACY_KEY_FILE).exists()


def test_the_folders_old_shared_key_is_taken_over_once_by_one_database(tmp_path):
    # An installation from before keys were named after the database.
    first = signing.installation_key(tmp_path / "old.db")
    signing.key_path(tmp_path / "old.db").rename(tmp_path / signing.LEGACY_KEY_FILE)
    signing.public_path(tmp_path / "old.db").rename(tmp_path / signing.LEGACY_PUBLIC_FILE)
    mode_before = (tmp_path / signing.LEGACY_KEY_FILE).stat().st_mode
    db, other = tmp_path / "jianwang.db", tmp_path / "second.db"
    assert signing.has_key(db)
    assert signing.load_key(db).public == first.public
    assert signing.installation_public_key(db) == first.public
    assert not (tmp_path / signing.LEGACY_KEY_FILE).exists()
    assert not (tmp_path / signing.LEGACY_PUBLIC_FILE).exists()
    assert signing.key_path(db).stat().st_mode == mode_before  # still owner-only
    # another database of the same folder does not share it
    assert not signing.has_key(other)
    assert signing.installation_key(other).fingerprint != first.fingerprint
