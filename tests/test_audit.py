"""The audit trail of 更正: recorded in the store's write paths, shown, and carried in bundles."""

import io
import json
import subprocess
import unicodedata
import zipfile
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from jianwang_desktop.core import audit, backup, signing
from jianwang_desktop.core.bundle import CHANGES_NAME, export_month
from jianwang_desktop.core.errors import UserError
from jianwang_desktop.core.money import NumberError
from jianwang_desktop.core.verify import verify_bundle, verify_file
from sample_data import sample_case, sample_month

from conftest import run_cli

WHEN = datetime(2015, 8, 28, 10, 30, 5, tzinfo=timezone(timedelta(hours=8)))
AUG = "2015-08"


@pytest.fixture
def exported(store, tmp_path):
    """August filled and exported once (第1版), so it is locked."""
    store.replace_month(sample_month(store.form))
    export_month(store, AUG, tmp_path, now=WHEN)
    return store


def members(raw: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(raw)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def test_edits_before_the_first_export_are_not_audited(store):
    store.replace_month(sample_month(store.form))
    store.set_cell(AUG, "音乐", "filed", 9)
    store.delete_case(AUG, store.load_cases(AUG)[0].id)
    assert store.audit_trail(AUG) == []


def test_every_kind_of_change_during_a_correction_is_recorded(exported):
    store = exported
    old_fine = store.load_grid(AUG)["音乐"]["fine"]
    store.start_correction(AUG, "罚款金额填错")
    store.set_cells(AUG, {("音乐", "fine"): Decimal("2.5"), ("音乐", "servers"): None})
    cases = store.load_cases(AUG)
    changed = cases[0].copy(name="改过的案件名称")
    changed.measures["fine"] = Decimal(1)
    store.update_case(AUG, changed)
    store.delete_case(AUG, cases[1].id)
    store.add_case(AUG, sample_case(store.form, 9))

    trail = store.audit_trail(AUG)
    assert {(e.revision, e.filler, e.reason) for e in trail} == {(2, "张三", "罚款金额填错")}
    assert all(e.at for e in trail)
    got = [(e.action, e.target, e.field, e.old, e.new) for e in trail]
    old_servers = str(sample_month(store.form).statistics["音乐"]["servers"])
    assert got[:2] == [("cell", "音乐", "fine", str(old_fine), "2.5"),
                       ("cell", "音乐", "servers", old_servers, None)]
    assert got[2] == ("case_changed", "201508-001", "name", cases[0].name, "改过的案件名称")
    assert got[3] == ("case_changed", "201508-001", "measure:fine", "0.5", "1")
    assert got[4][:3] == ("case_removed", "201508-002", "") and got[4][4] is None
    assert json.loads(got[4][3])["name"] == cases[1].name
    assert got[5][:4] == ("case_added", "201508-009", "", None)
    assert json.loads(got[5][4])["measure:fine"] == "0.5"
    assert len(got) == 6
    lines = [e.describe(store.form) for e in trail]
    assert lines[0] == f"附件1 音乐 {store.form.measure('fine').label}(万元):{old_fine} → 2.5"
    assert "(空)" in lines[1] and "删除案件 201508-002" in lines[4]


def test_a_whole_month_replaced_during_a_correction_is_diffed_by_case_number(exported):
    store = exported
    store.start_correction(AUG, "重新导入")
    month = store.load_month(AUG)
    month.cases[2].summary = "补充了案情。"
    month.statistics["文学"]["filed"] = 7
    store.replace_month(month)  # new row ids for every case
    got = [(e.action, e.target, e.field, e.new) for e in store.audit_trail(AUG)]
    assert got == [("cell", "文学", "filed", "7"),
                   ("case_changed", "201508-003", "summary", "补充了案情。")]


def test_a_refused_change_leaves_no_audit_entry(exported):
    store = exported
    store.start_correction(AUG, "原因")
    with pytest.raises(NumberError):
        store.set_cells(AUG, {("音乐", "filed"): 5, ("音乐", "fine"): "不是数字"})
    store.set_cell(AUG, "音乐", "filed", store.load_grid(AUG)["音乐"]["filed"])  # no change
    assert store.audit_trail(AUG) == []


def test_the_audit_is_in_the_same_transaction_as_the_change(exported, monkeypatch):
    store = exported
    store.start_correction(AUG, "原因")
    before = store.load_month(AUG)

    def broken(*args):
        raise RuntimeError("disk gone while auditing")

    monkeypatch.setattr(store, "_record_changes", broken)
    with pytest.raises(RuntimeError):
        store.set_cell(AUG, "音乐", "filed", 99)
    assert store.load_month(AUG) == before


def test_a_correction_makes_a_backup_first(exported):
    exported.start_correction(AUG, "原因")
    made = [b for b in backup.list_backups(exported.path) if b.reason == "correction"]
    assert len(made) == 1 and made[0].label == "更正2015年8月前"


def test_no_correction_without_its_backup(exported, monkeypatch):
    def fail(store, reason, period=""):
        raise UserError("磁盘空间已满。")

    monkeypatch.setattr(backup, "backup_now", fail)
    with pytest.raises(UserError, match="备份没有成功;没有开启更正"):
        exported.start_correction(AUG, "原因")
    assert exported.is_locked(AUG)


def test_history_command_prints_versions_and_changes(exported, tmp_path):
    exported.start_correction(AUG, "罚款金额填错")
    exported.set_cell(AUG, "音乐", "fine", Decimal("3.25"))
    path = exported.path
    exported.close()
    r = run_cli("history", "--month", AUG, db=path)
    out = r.stdout.decode("utf-8")
    assert r.returncode == 0, r.stderr.decode("utf-8")
    assert "第1版" in out and "第2版(更正中,尚未导出),更正原因:罚款金额填错" in out
    assert "填报人:张三" in out and "→ 3.25" in out
    r = run_cli("history", "--month", "2015-09", db=path)
    assert "还没有导出过" in r.stdout.decode("utf-8")


def test_later_bundles_carry_the_revisions_and_the_trail(exported, tmp_path):
    store = exported
    first = store.exports(AUG)[0]
    store.start_correction(AUG, "罚款金额填错")
    store.set_cell(AUG, "音乐", "fine", Decimal("3.25"))
    result = export_month(store, AUG, tmp_path, now=WHEN + timedelta(days=1))
    raw = result.path.read_bytes()
    files = members(raw)
    manifest = json.loads(files["manifest.json"])
    assert CHANGES_NAME in {f["name"] for f in manifest["files"]}
    changes = json.loads(files[CHANGES_NAME])
    assert changes["revision"] == 2 and changes["reason"] == "罚款金额填错"
    assert changes["revisions"] == [{"revision": 1, "created": first.created,
                                     "manifest_sha256": first.manifest_sha256,
                                     "fingerprint": first.fingerprint, "reason": None}]
    assert [c["new"] for c in changes["changes"]] == ["3.25"]
    assert changes["changes"] == [e.as_dict() for e in store.audit_trail(AUG)]
    check = verify_file(result.path)
    assert check.ok, check.failures
    assert not check.signer_changed
    lines = check.summary_lines()
    assert any("罚款金额填错" in line and "1 处" in line for line in lines)
    assert any(line.startswith("  · 附件1 音乐 罚款金额") and line.endswith("→ 3.25")
               for line in lines), lines
    # The first bundle has no changes.json; a second one written again is the same bytes.
    assert CHANGES_NAME not in members(store.exported_bundle(AUG, 1))
    again = export_month(store, AUG, tmp_path / ".." / tmp_path.name)
    assert again.again and again.path.read_bytes() == raw


def test_same_data_same_trail_same_bytes(tmp_path):
    from jianwang_desktop.core.store import Store

    from conftest import MIANYANG

    def make(folder):
        folder.mkdir()
        with Store(folder / "j.db") as store:
            store.set_profile(MIANYANG)
            store.replace_month(sample_month(store.form))
            export_month(store, AUG, folder, now=WHEN)
            store.start_correction(AUG, "原因")
            store.set_cell(AUG, "音乐", "filed", 9)
            # the audit times come from the clock: make both stores say the same
            store.db.execute("UPDATE audit_trail SET at = '2015-08-29T09:00:00+08:00'")
            store.db.execute("UPDATE corrections SET created = '2015-08-29T08:00:00+08:00'")
            return store.path

    one, two = make(tmp_path / "a"), make(tmp_path / "b")
    # the same key for both: copy the first installation's key beside the second
    key = signing.key_path(one).read_bytes()
    signing.key_path(two).write_bytes(key)
    with Store(one) as a, Store(two) as b:
        b.db.execute("UPDATE exports SET created = ?, fingerprint = ?, manifest_sha256 = ?",
                     a.db.execute("SELECT created, fingerprint, manifest_sha256 FROM exports"
                                  ).fetchone())
        later = WHEN + timedelta(days=2)
        ra = export_month(a, AUG, tmp_path / "a", now=later)
        rb = export_month(b, AUG, tmp_path / "b", now=later)
    assert ra.path.read_bytes() == rb.path.read_bytes()


def test_a_lost_key_is_survivable_and_the_change_is_shown(exported, tmp_path):
    from jianwang_desktop.gui.printing import stamp_for

    store = exported
    old = store.exports(AUG)[0].fingerprint
    signing.key_path(store.path).unlink()  # the key is lost
    store.start_correction(AUG, "密钥丢失后重新导出")
    result = export_month(store, AUG, tmp_path, now=WHEN + timedelta(days=1))
    assert result.fingerprint != old
    check = verify_file(result.path)
    assert check.ok, check.failures
    assert check.signer_changed and check.previous_fingerprint == old
    assert any("签名密钥已更换" in line for line in check.summary_lines())
    stamp = stamp_for(store, AUG)
    assert stamp.key_fingerprint == result.fingerprint and stamp.previous_key_fingerprint == old
    r = run_cli("verify", str(result.path), db=store.path)
    assert r.returncode == 0 and "签名密钥已更换" in r.stdout.decode("utf-8")
    pdf = tmp_path / "printout.pdf"
    r = run_cli("print", "--month", AUG, "--pdf", str(pdf), "--form", "1", db=store.path)
    assert r.returncode == 0, r.stderr.decode("utf-8")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    text = unicodedata.normalize("NFKC", text).replace("\n", "")
    assert f"签名密钥已更换,上一版为 {old}" in text


@pytest.mark.parametrize("edit, message", [
    (lambda c: c.pop("changes"), "changes"),
    (lambda c: c.update(revision=3), "版本与清单不一致"),
    (lambda c: c["revisions"][0].update(manifest_sha256="0" * 64), "上一版清单"),
    (lambda c: c.update(extra=1), "不符合格式"),
    (lambda c: c["changes"].append({"revision": "2"}), "不符合格式"),
])
def test_a_bad_changes_json_is_refused_even_when_signed(exported, tmp_path, edit, message):
    from test_verify import resign, rezip

    store = exported
    store.start_correction(AUG, "原因")
    store.set_cell(AUG, "音乐", "filed", 9)
    result = export_month(store, AUG, tmp_path, now=WHEN)
    files = members(result.path.read_bytes())
    changes = json.loads(files[CHANGES_NAME])
    edit(changes)
    files[CHANGES_NAME] = json.dumps(changes, ensure_ascii=False).encode("utf-8")
    key = signing.load_key(store.path)
    check = verify_bundle(rezip(resign(files, key)))
    assert not check.ok and any(message in f for f in check.failures), check.failures


@pytest.mark.parametrize("new", ["{", "[1, 2]", "\x1b[2J", "案" * 20000])
def test_odd_change_records_are_shown_without_a_crash(exported, tmp_path, new):
    from test_verify import resign, rezip

    exported.start_correction(AUG, "原因")
    exported.set_cell(AUG, "音乐", "filed", 9)
    result = export_month(exported, AUG, tmp_path, now=WHEN)
    files = members(result.path.read_bytes())
    changes = json.loads(files[CHANGES_NAME])
    changes["changes"][0].update(action="case_added", target="x", field="", old=None, new=new)
    files[CHANGES_NAME] = json.dumps(changes, ensure_ascii=False).encode("utf-8")
    check = verify_bundle(rezip(resign(files, signing.load_key(exported.path))))
    assert check.ok, check.failures
    for line in check.summary_lines():
        assert line.isprintable() and len(line) < 1000


def test_a_changed_changes_json_is_caught_like_any_member(exported, tmp_path):
    from test_verify import rezip

    exported.start_correction(AUG, "原因")
    exported.set_cell(AUG, "音乐", "filed", 9)
    result = export_month(exported, AUG, tmp_path, now=WHEN)
    files = members(result.path.read_bytes())
    files[CHANGES_NAME] = files[CHANGES_NAME].replace("原因".encode(), "别的".encode())
    check = verify_bundle(rezip(files))  # not re-signed: what someone without the key can do
    assert any("changes.json”的内容与清单记录的 sha256 不符" in f for f in check.failures), \
        check.failures


def test_a_revision_two_without_changes_json_is_refused(exported, tmp_path):
    from test_verify import resign, rezip

    exported.start_correction(AUG, "原因")
    result = export_month(exported, AUG, tmp_path, now=WHEN)
    files = members(result.path.read_bytes())
    del files[CHANGES_NAME]
    check = verify_bundle(rezip(resign(files, signing.load_key(exported.path))))
    assert any("缺少 changes.json" in f for f in check.failures), check.failures


def test_history_lines_before_any_export(store):
    assert audit.history_lines(store, AUG) == ["2015年8月还没有导出过,没有版本和修改记录。"]


def test_bundle_format_doc_describes_every_changes_json_field():
    from conftest import ROOT

    doc = (ROOT / "docs" / "bundle-format.md").read_text("utf-8")
    schema = json.loads((ROOT / "resources" / "schema" / "jianwang-changes-1.schema.json")
                        .read_text("utf-8"))
    entry = schema["properties"]["changes"]["items"]["properties"]
    revision = schema["properties"]["revisions"]["items"]["properties"]
    for name in [*schema["properties"], *entry, *revision]:
        assert f'"{name}"' in doc or f"`{name}`" in doc, name
    for action in entry["action"]["enum"]:
        assert f"`{action}`" in doc, action
    assert CHANGES_NAME in doc and "jianwang-changes/1" in doc


def test_history_shows_when_each_change_was_made_in_china_time(exported):
    from jianwang_desktop.core.china_time import time_text

    exported.start_correction(AUG, "罚款金额填错")
    exported.set_cell(AUG, "音乐", "fine", Decimal("3.25"))
    entry = exported.audit_trail(AUG)[-1]
    lines = audit.history_lines(exported, AUG)
    assert f"  [第2版] {time_text(entry.at)}  填报人:张三  原因:罚款金额填错" in lines
    assert not any(entry.at in line for line in lines)  # no raw ISO stamp with its offset
