"""The verifier catches any tampering and unsafe zip, and names what failed."""

import base64
import hashlib
import io
import json
import stat
import zipfile
from datetime import datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jianwang_desktop.core import excel, signing
from jianwang_desktop.core.bundle import build_bundle, manifest_bytes
from jianwang_desktop.core.formdef import load_form
from jianwang_desktop.core.verify import verify_bundle
from sample_data import sample_month
from strategies import months

from conftest import MIANYANG

FORM = load_form("剑网2015")
WHEN = datetime(2015, 8, 28, 10, 30, tzinfo=timezone(timedelta(hours=8)))
STATS, CASES = excel.file_names(FORM)
ALL = ["data.json", "manifest.json", "manifest.sig", STATS, CASES]


@pytest.fixture
def key(tmp_path):
    return signing.installation_key(tmp_path / "a" / "x.db")


@pytest.fixture
def other_key(tmp_path):
    return signing.installation_key(tmp_path / "b" / "x.db")


def make(key, month=None, revision=1, previous=None):
    return build_bundle(FORM, MIANYANG, month or sample_month(FORM), revision=revision,
                        previous=previous, created=WHEN, key=key)


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def rezip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            excel.write_member(z, name, data, WHEN)
    return out.getvalue()


def resign(files: dict[str, bytes], key, change=None) -> dict[str, bytes]:
    """What someone with `key` would do: fix the manifest to the files, then sign it."""
    manifest = json.loads(files["manifest.json"])
    manifest["files"] = [{"name": n, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
                         for n, d in sorted(files.items())
                         if n not in ("manifest.json", "manifest.sig")]
    manifest["signer"] = {"algorithm": "Ed25519", "public_key": key.public.base64,
                          "fingerprint": key.fingerprint}
    if change:
        change(manifest)
    raw = manifest_bytes(manifest)
    return {**files, "manifest.json": raw, "manifest.sig": base64.b64encode(key.sign(raw))}


def failures(content: bytes, trusted=None) -> list[str]:
    result = verify_bundle(content, trusted)
    assert not result.ok
    return result.failures


GOOD_FILES = unzip(make(signing.SigningKey(Ed25519PrivateKey.generate())).content)


def test_a_good_bundle_verifies_and_reports_trust(key, other_key):
    bundle = make(key)
    result = verify_bundle(bundle.content)
    assert result.ok and result.signature_valid and not result.trusted
    assert result.fingerprint == key.fingerprint
    assert result.month.statistics == sample_month(FORM).statistics
    trusted = {key.fingerprint: (key.public.base64, "绵阳市版权局", ("绵阳市", "版权局"))}
    result = verify_bundle(bundle.content, trusted)
    assert result.ok and result.trusted and result.trusted_label == "绵阳市版权局"
    assert any("受信任(绵阳市版权局)" in line for line in result.summary_lines())
    # The key is trusted for one office only: not for another, and not without an office.
    for office, note in ((("绵阳市", "公安局"), "受信任为绵阳市公安局的公钥"),
                         (None, "没有注明属于哪个单位")):
        result = verify_bundle(bundle.content, {key.fingerprint: (key.public.base64, "x", office)})
        assert result.ok and not result.trusted and note in result.trust_note
        assert any(note in line for line in result.summary_lines())
    # A trust entry whose fingerprint matches but whose key differs is not trust.
    fake = {key.fingerprint: (other_key.public.base64, "冒充", ("绵阳市", "版权局"))}
    assert not verify_bundle(bundle.content, fake).trusted


@pytest.mark.parametrize("name", ALL)
def test_one_changed_byte_in_any_member_is_caught_and_named(key, name):
    files = unzip(make(key).content)
    data = bytearray(files[name])
    middle = len(data) // 2
    data[middle] = (data[middle] + 1) % 256 if name != "manifest.sig" else ord(
        "A" if data[middle] != ord("A") else "B")
    files[name] = bytes(data)
    found = "\n".join(failures(rezip(files)))
    if name in ("manifest.json", "manifest.sig"):
        assert "签名无效" in found or "manifest.json" in found
    else:
        assert f"“{name}”的内容与清单记录的 sha256 不符" in found


@pytest.mark.parametrize("name", ALL)
def test_a_dropped_member_is_caught_and_named(key, name):
    files = unzip(make(key).content)
    del files[name]
    assert any(name in f for f in failures(rezip(files)))


def test_an_added_member_is_caught_and_named(key):
    files = unzip(make(key).content)
    files["说明.txt"] = "多出来的文件".encode()
    assert "数据包中的“说明.txt”不在清单中(文件被添加)。" in failures(rezip(files))


def test_a_signature_from_another_bundle_is_refused(key):
    one = unzip(make(key).content)
    month = sample_month(FORM)
    month.statistics["文学"]["filed"] += 1
    two = unzip(make(key, month).content)
    one["manifest.sig"] = two["manifest.sig"]
    assert any("签名无效" in f for f in failures(rezip(one)))


def test_a_swapped_public_key_is_refused(key, other_key):
    files = unzip(make(key).content)
    manifest = json.loads(files["manifest.json"])
    manifest["signer"]["public_key"] = other_key.public.base64
    manifest["signer"]["fingerprint"] = other_key.fingerprint
    files["manifest.json"] = manifest_bytes(manifest)
    assert any("签名无效" in f for f in failures(rezip(files)))
    manifest["signer"]["fingerprint"] = key.fingerprint  # claimed but not computed
    files["manifest.json"] = manifest_bytes(manifest)
    assert any("指纹" in f and "不符" in f for f in failures(rezip(files)))


def test_re_signed_by_another_key_is_valid_but_not_trusted(key, other_key):
    files = unzip(make(key).content)
    data = json.loads(files["data.json"])
    data["statistics"]["文学"]["filed"] = 99
    files["data.json"] = json.dumps(data, ensure_ascii=False).encode()
    forged = rezip(resign(files, other_key))
    trusted = {key.fingerprint: (key.public.base64, "绵阳市版权局")}
    result = verify_bundle(forged, trusted)
    assert result.signature_valid and not result.trusted
    assert result.fingerprint == other_key.fingerprint
    # ...and the tables no longer agree with data.json, so it fails anyway.
    assert any(STATS in f and "文学" in f for f in result.failures)


def test_xlsx_that_disagrees_with_data_json_fails_even_when_signed(key):
    files = unzip(make(key).content)
    other = sample_month(FORM)
    other.cases[0].name = "另一个案件"
    files[CASES] = excel.attachment_files(FORM, MIANYANG, other, None, WHEN)[CASES]
    found = failures(rezip(resign(files, key)))
    assert found == [f"“{CASES}”:第1条案件的“案件名称”与 data.json 不一致"]


def test_manifest_must_match_data_json_and_chain_rules(key):
    files = unzip(make(key).content)
    forged = resign(files, key, lambda m: m.update(unit="别的单位", revision=2))
    found = failures(rezip(forged))
    assert any("unit" in f and "别的单位" in f for f in found)
    assert any("previous" in f for f in found)


def test_schema_errors_in_data_json_are_listed(key):
    files = unzip(make(key).content)
    data = json.loads(files["data.json"])
    data["cases"][1]["fine"] = 0.5
    files["data.json"] = json.dumps(data, ensure_ascii=False).encode()
    found = failures(rezip(resign(files, key)))
    assert any(f.startswith("data.json:") and "第2条案件" in f for f in found)


def raw_zip(entries) -> bytes:
    """entries: (ZipInfo or name, data) written as given, however unsafe."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in entries:
            z.writestr(info, data)
    return out.getvalue()


def good_entries(key):
    return list(unzip(make(key).content).items())


@pytest.mark.parametrize("bad_name,expected", [
    ("/etc/passwd", "绝对路径"),
    ("C:\\evil.txt", "绝对路径"),
    ("../evil.txt", ".."),
    ("sub/../../evil.txt", ".."),
    ("sub/file.txt", "子文件夹"),
    ("folder/", "文件夹"),
])
def test_unsafe_names_are_refused(key, bad_name, expected):
    entries = good_entries(key) + [(bad_name, b"x")]
    found = failures(raw_zip(entries))
    assert any(bad_name in f and expected in f for f in found), found


def test_links_are_refused(key):
    link = zipfile.ZipInfo("link.json")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    found = failures(raw_zip(good_entries(key) + [(link, b"/etc/passwd")]))
    assert any("link.json" in f and "链接" in f for f in found)


def test_duplicate_names_are_refused(key):
    entries = good_entries(key)
    with pytest.warns(UserWarning):
        content = raw_zip(entries + [("data.json", b"{}")])
    assert any("重名" in f and "data.json" in f for f in failures(content))
    assert any("重名" in f for f in failures(raw_zip(entries + [("DATA.JSON", b"{}")])))


def test_zip_bombs_and_floods_are_refused(key):
    bomb = good_entries(key) + [("bomb.bin", bytes(20 * 1024 * 1024))]
    assert any("压缩比" in f for f in failures(raw_zip(bomb)))
    many = good_entries(key) + [(f"f{i}.txt", b"x") for i in range(20)]
    assert any("文件过多" in f for f in failures(raw_zip(many)))


def test_a_declared_size_that_lies_is_caught(key):
    content = bytearray(make(key).content)
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as z:
        size = z.getinfo("data.json").file_size
    # Shrink the uncompressed size that the central directory declares for data.json.
    offset = content.find(b"PK\x01\x02")
    while content[offset + 46:offset + 46 + len("data.json")] != b"data.json":
        offset = content.find(b"PK\x01\x02", offset + 4)
    content[offset + 24:offset + 28] = (size - 10).to_bytes(4, "little")
    assert any("data.json" in f for f in failures(bytes(content)))


def test_garbage_is_not_a_bundle():
    assert failures(b"not a zip") == ["不是有效的 zip 文件(可能已损坏或不完整)。"]
    assert any("manifest.json" in f for f in failures(raw_zip([("a.txt", b"x")])))


def test_a_bundle_signed_by_one_key_keeps_failing_after_any_single_member_swap(key, other_key):
    """Members taken from a bundle signed by another key never pass."""
    mine = unzip(make(key).content)
    theirs = unzip(make(other_key).content)
    for name in ALL:
        mixed = {**mine, name: theirs[name]}
        if mixed == mine:
            continue  # identical bytes (data.json/xlsx do not depend on the key)
        assert not verify_bundle(rezip(mixed)).ok, name


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_changed_byte_of_any_member_fails_without_crashing(data):
    files = dict(GOOD_FILES)
    name = data.draw(st.sampled_from(sorted(files)))
    content = bytearray(files[name])
    position = data.draw(st.integers(0, len(content) - 1))
    content[position] = data.draw(st.integers(0, 255).filter(lambda b: b != content[position]))
    files[name] = bytes(content)
    assert not verify_bundle(rezip(files)).ok


def test_a_non_canonical_signature_text_is_refused(key):
    files = unzip(make(key).content)
    sig = files["manifest.sig"]
    assert sig.endswith(b"==")
    # The character before "==" carries 4 spare bits: flip them, the bytes decode the same.
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    index = alphabet.index(sig[-3:-2])
    twin = alphabet[index ^ 0b0001:index ^ 0b0001 + 1]
    files["manifest.sig"] = sig[:-3] + twin + b"=="
    assert base64.b64decode(files["manifest.sig"]) == base64.b64decode(sig)
    assert any("标准 base64" in f for f in failures(rezip(files)))
    files["manifest.sig"] = sig + b"\n"
    assert not verify_bundle(rezip(files)).ok


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(month=months(FORM))
def test_any_storable_month_round_trips_through_a_bundle(month):
    key = signing.SigningKey(Ed25519PrivateKey.generate())
    result = verify_bundle(make(key, month).content)
    assert result.ok, result.failures
    assert result.month.statistics == month.statistics
    assert [c.name for c in result.month.cases] == [c.name for c in month.cases]


def corrupt_member(content: bytes, name: str) -> bytes:
    """Flip a byte inside `name`'s compressed data, leaving the zip's directory intact."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        info = z.getinfo(name)
    raw = bytearray(content)
    local = info.header_offset
    name_length = int.from_bytes(raw[local + 26:local + 28], "little")
    extra_length = int.from_bytes(raw[local + 28:local + 30], "little")
    start = local + 30 + name_length + extra_length
    raw[start + info.compress_size // 2] ^= 0x55
    return bytes(raw)


def test_a_member_that_fails_to_decompress_is_reported_once_as_damaged(key):
    found = failures(corrupt_member(make(key).content, "data.json"))
    assert any("“data.json”已损坏" in f for f in found), found
    assert not any("不在数据包中" in f for f in found), found
