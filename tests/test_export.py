"""Export from the store: refused with errors, signed bundle, lock, corrections, revisions."""

import hashlib
import io
import json
import zipfile
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from jianwang_desktop.core import signing
from jianwang_desktop.core.bundle import build_bundle, export_month
from jianwang_desktop.core.errors import UserError
from jianwang_desktop.core.records import MonthData
from jianwang_desktop.core.verify import verify_file
from sample_data import sample_case, sample_month

from conftest import MIANYANG

WHEN = datetime(2015, 8, 28, 10, 30, 5, tzinfo=timezone(timedelta(hours=8)))


@pytest.fixture
def filled(store):
    store.replace_month(sample_month(store.form))
    return store


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def test_export_writes_a_readable_named_bundle_that_verifies(filled, tmp_path):
    steps = []
    result = export_month(filled, "2015-08", tmp_path, now=WHEN,
                          progress=lambda i, n, text: steps.append((i, n, text)))
    assert result.path == tmp_path / "绵阳市-版权局-2015-08-第1版.zip"
    assert result.revision == 1 and not result.again
    assert [s[:2] for s in steps] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert all(s[2] for s in steps)
    with zipfile.ZipFile(result.path) as z:
        infos = z.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names) == ["data.json", "manifest.json", "manifest.sig",
                                      "附件1-剑网2015工作情况统计表.xlsx",
                                      "附件2-剑网2015查处案件信息表.xlsx"]
    for info in infos:
        assert info.date_time == (2015, 8, 28, 10, 30, 4)
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert bool(info.flag_bits & 0x800) == (not info.filename.isascii())
    check = verify_file(result.path)
    assert check.ok, check.failures
    assert check.signature_valid and check.fingerprint == result.fingerprint
    assert not list(tmp_path.glob("*.part")) and not list(tmp_path.glob("*.tmp"))


def test_manifest_has_exactly_the_documented_fields(filled, tmp_path):
    result = export_month(filled, "2015-08", tmp_path, now=WHEN)
    files = members(result.path)
    manifest = json.loads(files["manifest.json"])
    assert list(manifest) == ["format", "campaign", "region", "department", "unit", "period",
                              "revision", "created", "previous", "files", "signer"]
    assert manifest["format"] == "jianwang-bundle/1"
    assert manifest["created"] == "2015-08-28T10:30:05+08:00"
    assert manifest["previous"] is None and manifest["revision"] == 1
    assert [f["name"] for f in manifest["files"]] == sorted(
        set(files) - {"manifest.json", "manifest.sig"})
    for entry in manifest["files"]:
        data = files[entry["name"]]
        assert entry == {"name": entry["name"], "sha256": hashlib.sha256(data).hexdigest(),
                         "size": len(data)}
    key = signing.installation_public_key(filled.path)
    assert manifest["signer"] == {"algorithm": "Ed25519", "public_key": key.base64,
                                  "fingerprint": key.fingerprint}


def test_same_data_key_and_time_give_the_same_bytes(filled):
    key = signing.installation_key(filled.path)
    month = filled.load_month("2015-08")
    one = build_bundle(filled.form, MIANYANG, month, revision=1, previous=None, created=WHEN,
                       key=key)
    two = build_bundle(filled.form, MIANYANG, filled.load_month("2015-08"), revision=1,
                       previous=None, created=WHEN, key=key)
    assert one.content == two.content and one.file_name == two.file_name
    later = build_bundle(filled.form, MIANYANG, month, revision=1, previous=None,
                         created=WHEN + timedelta(seconds=2), key=key)
    assert later.content != one.content


def test_private_key_never_enters_the_bundle(filled, tmp_path):
    from cryptography.hazmat.primitives import serialization

    result = export_month(filled, "2015-08", tmp_path, now=WHEN)
    private = signing.load_key(filled.path)._private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
        serialization.NoEncryption())
    everything = result.path.read_bytes() + b"".join(members(result.path).values())
    assert private not in everything
    pem = signing.key_path(filled.path).read_bytes()
    assert pem not in everything


def test_export_is_refused_while_the_month_has_errors(store, tmp_path):
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    month = sample_month(store.form)
    month.statistics["文学"]["filed"] = None
    month.cases[0].summary = ""
    store.replace_month(month)
    with pytest.raises(UserError) as e:
        export_month(store, "2015-08", tmp_path)
    assert "不能导出" in e.value.message
    assert any("文学 行政立案数" in d for d in e.value.details)
    assert any("案情简介" in d for d in e.value.details)
    assert list(tmp_path.iterdir()) == []
    assert not store.is_locked("2015-08") and store.exports("2015-08") == []


def test_export_needs_an_existing_folder(filled, tmp_path):
    with pytest.raises(UserError, match="不存在"):
        export_month(filled, "2015-08", tmp_path / "missing")
    assert not filled.is_locked("2015-08")


def test_exported_month_is_locked_for_every_write_path(filled, tmp_path):
    export_month(filled, "2015-08", tmp_path, now=WHEN)
    assert filled.is_locked("2015-08")
    case = filled.load_cases("2015-08")[0]
    before = filled.load_month("2015-08")
    attempts = [
        lambda: filled.set_cell("2015-08", "文学", "filed", 9),
        lambda: filled.set_cells("2015-08", {("音乐", "fine"): "1.5"}),
        lambda: filled.add_case("2015-08", sample_case(filled.form, 9)),
        lambda: filled.update_case("2015-08", case.copy(name="改过的名称")),
        lambda: filled.delete_case("2015-08", case.id),
        lambda: filled.replace_month(MonthData("2015-08", before.statistics, [])),
    ]
    for attempt in attempts:
        with pytest.raises(UserError, match="已导出.*锁定"):
            attempt()
    assert filled.load_month("2015-08") == before
    # Other months stay open.
    filled.set_cell("2015-09", "文学", "filed", 1)


def test_exporting_a_locked_month_again_writes_the_same_file(filled, tmp_path):
    first = export_month(filled, "2015-08", tmp_path, now=WHEN)
    content = first.path.read_bytes()
    other = tmp_path / "again"
    other.mkdir()
    again = export_month(filled, "2015-08", other)
    assert again.again and again.revision == 1
    assert again.path.read_bytes() == content
    assert len(filled.exports("2015-08")) == 1


def test_correction_opens_the_next_revision_chained_to_the_previous(filled, tmp_path):
    first = export_month(filled, "2015-08", tmp_path, now=WHEN)
    with pytest.raises(UserError, match="原因"):
        filled.start_correction("2015-08", "   ")
    state = filled.start_correction("2015-08", "罚款金额填错")
    assert not state.locked and state.next_revision == 2
    assert state.correction_reason == "罚款金额填错"
    with pytest.raises(UserError, match="已在更正中"):
        filled.start_correction("2015-08", "再来一次")
    filled.set_cell("2015-08", "文学", "fine", Decimal("0.75"))
    second = export_month(filled, "2015-08", tmp_path, now=WHEN + timedelta(days=1))
    assert second.revision == 2 and second.path.name == "绵阳市-版权局-2015-08-第2版.zip"
    assert first.path.exists()
    manifest = json.loads(members(second.path)["manifest.json"])
    first_manifest = members(first.path)["manifest.json"]
    assert manifest["revision"] == 2
    assert manifest["previous"] == hashlib.sha256(first_manifest).hexdigest()
    listed = filled.exports("2015-08")
    assert [(r.revision, r.reason) for r in listed] == [(1, None), (2, "罚款金额填错")]
    assert listed[0].created == "2015-08-28T10:30:05+08:00"
    assert {r.fingerprint for r in listed} == {first.fingerprint}
    assert filled.is_locked("2015-08")
    assert verify_file(second.path).ok


def test_correction_of_a_month_never_exported_is_refused(store):
    with pytest.raises(UserError, match="还没有导出过"):
        store.start_correction("2015-08", "原因")


def test_lock_survives_reopening_the_database(filled, tmp_path, db_path):
    from jianwang_desktop.core.store import Store

    export_month(filled, "2015-08", tmp_path, now=WHEN)
    filled.close()
    with Store(db_path) as again:
        assert again.is_locked("2015-08")
        with pytest.raises(UserError):
            again.set_cell("2015-08", "文学", "filed", 9)


def test_a_passphrase_key_is_needed_to_export(filled, tmp_path):
    signing.create_key(filled.path, passphrase="secret")
    with pytest.raises(UserError, match="口令"):
        export_month(filled, "2015-08", tmp_path)
    assert not filled.is_locked("2015-08")
    assert export_month(filled, "2015-08", tmp_path, passphrase="secret").revision == 1


def test_bundle_zip_metadata_is_plain_files(filled, tmp_path):
    result = export_month(filled, "2015-08", tmp_path, now=WHEN)
    with zipfile.ZipFile(io.BytesIO(result.path.read_bytes())) as z:
        for info in z.infolist():
            assert info.create_system == 3 and info.external_attr >> 16 == 0o100644


def over_the_limit(store):
    """Each amount within the limit, their 合计 beyond it."""
    month = sample_month(store.form)
    for row in month.statistics.values():
        row["fine"] = Decimal(0)
    month.statistics["文学"]["fine"] = Decimal("9999999999.9999")
    month.statistics["音乐"]["fine"] = Decimal("0.0001")
    store.replace_month(month)
    return store


def test_a_total_beyond_the_limits_is_refused_before_anything_is_signed(store, tmp_path):
    over_the_limit(store)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UserError) as e:
        export_month(store, "2015-08", out, now=WHEN)
    assert "合计" in "\n".join(e.value.details) and "超出上限" in "\n".join(e.value.details)
    assert list(out.iterdir()) == []
    assert store.exports("2015-08") == [] and not store.is_locked("2015-08")


def test_a_bundle_that_would_not_verify_is_neither_written_nor_recorded(store, tmp_path,
                                                                        monkeypatch):
    """Insurance behind validation: the bytes about to be recorded are verified first."""
    from jianwang_desktop.core import rollup, validation

    store.replace_month(sample_month(store.form))
    month = sample_month(store.form)
    # What a 市(州)'s sum could reach (own plus departments'), with validation not noticing.
    month.statistics["文学"]["involved"] = Decimal("1000000000002.4704")
    monkeypatch.setattr(rollup, "combined_month", lambda store, period: month)
    monkeypatch.setattr(validation, "validate_month", lambda form, month: [])
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UserError) as e:
        export_month(store, "2015-08", out, now=WHEN)
    assert "未通过" in str(e.value) and "data.json" in "\n".join(e.value.details)
    assert list(out.iterdir()) == []
    assert store.exports("2015-08") == [] and not store.is_locked("2015-08")


def test_a_header_the_receivers_would_refuse_is_neither_exported_nor_locked(filled, tmp_path):
    """The export's own check does not read the month back (verify_bundle read_month=False),
    but what the receivers' reading refuses in data.json's header it refuses too: here a
    phone with a line break, as Store.set_profile stored it before it was checked."""
    from jianwang_desktop.core.verify import verify_bundle

    filled.set_setting("phone", "0816-2345678\n")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UserError, match="未通过核验") as e:
        export_month(filled, "2015-08", out, now=WHEN)
    assert any("联系电话" in d and "不能换行" in d for d in e.value.details), e.value.details
    assert list(out.iterdir()) == []
    assert filled.exports("2015-08") == [] and not filled.is_locked("2015-08")
    # What the receivers would have said of it.
    filled.set_setting("phone", MIANYANG.phone)
    path = export_month(filled, "2015-08", out, now=WHEN).path
    assert verify_bundle(path.read_bytes()).ok
