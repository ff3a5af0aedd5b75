"""A trusted key can be removed (a lost PC, a key trusted by mistake): in the core, at the
command line and in 工具 → 受信任的公钥…; what was imported with it stays, what it signs later
is refused."""

import random

import pytest
from PySide6.QtWidgets import QMessageBox

from jianwang_desktop.core.errors import UserError
from jianwang_desktop.core.receiving import IMPORTED, import_file, received
from jianwang_desktop.core.signing import grouped, installation_public_key, parse_fingerprint
from jianwang_desktop.core.verify import verify_file

from conftest import run_cli
from dbcontent import full_dump
from province_fixture import fill_and_export, police_and_city

POLICE = "0123456789abcdef"
NET = "fedcba9876543210"


@pytest.fixture
def two_keys(store):
    store.trust_key(POLICE, "UE9MSUNF", "绵阳市公安局", region="绵阳市", department="公安局")
    store.trust_key(NET, "TkVU", "网信办(李四)", region="绵阳市", department="网信办")
    return store


# ---------------------------------------------------------------- core


def test_untrust_removes_only_that_key_and_says_which(two_keys):
    assert two_keys.untrust_key(POLICE) == (POLICE, "绵阳市公安局", ("绵阳市", "公安局"))
    assert list(two_keys.trusted_keys()) == [NET]


def test_a_key_trusted_for_no_office_can_be_removed(store):
    store.db.execute("INSERT INTO trusted_keys (fingerprint, public_key, label, added) "
                     "VALUES (?, 'k', '旧的', '2015-08-01')", [NET])  # as m005 leaves one
    assert store.untrust_key(NET) == (NET, "旧的", None) and store.trusted_keys() == {}


@pytest.mark.parametrize("typed", ["0123 4567 89ab cdef", "0123 4567 89AB CDEF",
                                   " 0123456789ABCDEF\n", "0123\u30004567 89ab cdef"])
def test_the_fingerprint_may_be_typed_as_shown(two_keys, typed):
    assert two_keys.untrust_key(typed)[0] == POLICE
    assert POLICE not in two_keys.trusted_keys()


def test_an_unknown_fingerprint_is_refused_and_nothing_changes(two_keys):
    before = full_dump(two_keys.path)
    with pytest.raises(UserError) as e:
        two_keys.untrust_key("0123 4567 89ab cdee")
    assert "受信任列表中没有指纹为 0123 4567 89ab cdee 的公钥,未作改动" in str(e.value)
    assert "jianwang trust list" in " ".join(e.value.details)
    assert full_dump(two_keys.path) == before


@pytest.mark.parametrize("typed", ["", "0123 4567 89ab cde", "0123 4567 89ab cdef 0",
                                   "0123-4567-89ab-cdeg"])
def test_what_is_not_a_fingerprint_is_refused(two_keys, typed):
    with pytest.raises(UserError) as e:
        two_keys.untrust_key(typed)
    assert "不是签名公钥指纹" in str(e.value) and "16 位十六进制" in str(e.value)
    assert set(two_keys.trusted_keys()) == {POLICE, NET}


def test_parse_fingerprint_undoes_grouped():
    assert parse_fingerprint(grouped(NET).upper()) == NET


@pytest.fixture
def police_imported(tmp_path):
    """绵阳市公安局 exports August and September with one key; the city imported August."""
    police, city, out = police_and_city(tmp_path)
    rng = random.Random(11)
    august = fill_and_export(police, "2015-08", rng, out)
    september = fill_and_export(police, "2015-09", rng, out)
    with city.store() as store:
        assert import_file(store, august, trust_new=True).status == IMPORTED
    return city, installation_public_key(police.db), august, september


def test_a_removed_key_is_refused_at_import_while_its_earlier_bundles_stay(police_imported):
    city, key, august, september = police_imported
    with city.store() as store:
        store.untrust_key(grouped(key.fingerprint))
        for trust_new in (False, True):  # --trust-new does not bring a removed key back
            with pytest.raises(UserError) as e:
                import_file(store, september, trust_new=trust_new)
            assert e.value.message == (f"绵阳市公安局的公钥(指纹 {grouped(key.fingerprint)})"
                                    "已从受信任列表中移除,未导入。")
            assert "仍保留" in e.value.details[0] and "受信任的公钥" in e.value.details[0]
        assert [(r.period, r.fingerprint) for r in received(store)] == [
            ("2015-08", key.fingerprint)]
        assert store.trusted_keys() == {}
        assert import_file(store, august).status == "duplicate"  # still there, unchanged
        result = verify_file(september, store.trusted_keys())
        assert result.ok and not result.trusted
        # trusted again on purpose, it signs again
        store.trust_key(key.fingerprint, key.base64, "绵阳市公安局", region="绵阳市",
                        department="公安局")
        assert import_file(store, september).status == IMPORTED


def test_a_key_removed_before_it_signed_anything_is_not_trusted_again_by_its_first_bundle(
        tmp_path):
    """A key trusted by mistake and removed before it was used had its first bundle taken for
    a new office's first key: `--trust-new` (and the import window's question) imported it
    and put the key back on the list."""
    police, city, out = police_and_city(tmp_path)
    august = fill_and_export(police, "2015-08", random.Random(5), out)
    key = installation_public_key(police.db)
    with city.store() as store:
        store.trust_key(key.fingerprint, key.base64, "绵阳市公安局", region="绵阳市",
                        department="公安局")
        store.untrust_key(key.fingerprint)
        for trust_new in (False, True):
            with pytest.raises(UserError) as e:
                import_file(store, august, trust_new=trust_new)
            assert "已从受信任列表中移除" in e.value.message
        assert received(store) == [] and store.trusted_keys() == {}
        store.trust_key(key.fingerprint, key.base64, "绵阳市公安局", region="绵阳市",
                        department="公安局")  # trusted again on purpose: the removal is forgotten
        assert not store.was_removed(key.fingerprint)
        assert import_file(store, august).status == IMPORTED


# ---------------------------------------------------------------- command line


def test_trust_list_and_remove_at_the_command_line(police_imported):
    city, key, _, september = police_imported
    shown = grouped(key.fingerprint)
    r = run_cli("trust", "list", db=city.db)
    assert r.returncode == 0
    assert r.stdout.decode().splitlines() == ["受信任的公钥(1 个):", f"  {shown}  绵阳市公安局"]

    before = full_dump(city.db)
    r = run_cli("trust", "remove", "0000 0000 0000 0000", db=city.db)
    assert r.returncode == 2 and r.stdout == b""
    assert "错误:受信任列表中没有指纹为 0000 0000 0000 0000 的公钥,未作改动" in r.stderr.decode()
    r = run_cli("trust", "remove", "12345", db=city.db)
    assert r.returncode == 2 and "不是签名公钥指纹" in r.stderr.decode()
    assert full_dump(city.db) == before

    r = run_cli("trust", "remove", *shown.upper().split(), db=city.db)  # typed unquoted
    assert r.returncode == 0, r.stderr.decode()
    out = r.stdout.decode()
    assert f"已移除受信任的公钥:绵阳市公安局,指纹 {shown}" in out
    assert "以前用这个公钥导入的数据包仍保留" in out and "导入时拒绝" in out
    r = run_cli("trust", "list", db=city.db)
    assert r.returncode == 0 and "受信任列表是空的" in r.stdout.decode()
    r = run_cli("import", str(september), db=city.db)
    assert r.returncode == 2 and "已从受信任列表中移除" in r.stderr.decode()
    with city.store() as store:
        assert [b.period for b in received(store)] == ["2015-08"]


def test_trust_list_names_the_label_beside_the_office(two_keys):
    r = run_cli("trust", "list", db=two_keys.path)
    assert r.returncode == 0
    assert r.stdout.decode().splitlines()[1:] == [f"  {grouped(POLICE)}  绵阳市公安局",
                                                  f"  {grouped(NET)}  绵阳市网信办(备注:网信办(李四))"]


# ---------------------------------------------------------------- 工具 → 受信任的公钥…


@pytest.fixture
def dialog(qtbot, two_keys):
    from jianwang_desktop.gui.key_dialogs import TrustedKeysDialog

    dialog = TrustedKeysDialog(two_keys)
    qtbot.addWidget(dialog)
    return dialog


def answering(monkeypatch, answer):
    asked = []

    def question(parent, title, text, buttons, default):
        asked.append((title, text, default))
        return answer

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


def select_row(dialog, fingerprint):
    row = [r[1] for r in dialog.model.rows].index(fingerprint)
    dialog.view.selectRow(row)


def test_the_list_names_each_key_s_office_as_the_command_line_does(dialog, two_keys):
    """The first column had the label alone (网信办(李四)), where `trust list` and the
    questions name the office the key signs for."""
    assert [dialog.model.cell(r, 0) for r in dialog.model.rows] == [
        "绵阳市公安局", "绵阳市网信办(备注:网信办(李四))"]


def test_trust_list_sorts_a_key_for_no_office_beside_one_with_the_same_label(store):
    """Two keys of one label, one of them trusted for no office (as m005 leaves one):
    sorting compared None with an office and `trust list` ended in a TypeError."""
    store.trust_key(POLICE, "UE9MSUNF", "绵阳市公安局", region="绵阳市", department="公安局")
    store.db.execute("INSERT INTO trusted_keys (fingerprint, public_key, label, added) "
                     "VALUES (?, 'k', '绵阳市公安局', '2015-08-01')", [NET])
    r = run_cli("trust", "list", db=store.path)
    assert r.returncode == 0, r.stderr.decode()
    out = r.stdout.decode()
    assert "绵阳市公安局(未注明单位,不对任何单位受信任)" in out and grouped(POLICE) in out


def test_remove_is_disabled_without_a_selection(dialog):
    assert dialog.model.rowCount() == 2 and not dialog.remove_button.isEnabled()
    select_row(dialog, NET)
    assert dialog.remove_button.isEnabled()
    dialog.view.clearSelection()
    assert not dialog.remove_button.isEnabled()


def test_answering_no_changes_nothing(dialog, two_keys, monkeypatch):
    before = full_dump(two_keys.path)
    asked = answering(monkeypatch, QMessageBox.StandardButton.No)
    select_row(dialog, NET)
    dialog.remove_button.click()
    ((title, text, default),) = asked
    assert default == QMessageBox.StandardButton.No
    assert "绵阳市网信办(备注:网信办(李四))" in text and grouped(NET) in text
    assert "仍保留" in text and "导入时拒绝" in text
    assert full_dump(two_keys.path) == before
    assert dialog.model.rowCount() == 2 and dialog.status_label.text() == ""
    assert dialog.remove_button.isEnabled()  # still selected


def test_answering_yes_removes_the_key_and_refreshes(dialog, two_keys, monkeypatch):
    answering(monkeypatch, QMessageBox.StandardButton.Yes)
    select_row(dialog, POLICE)
    dialog.remove_button.click()
    assert list(two_keys.trusted_keys()) == [NET]
    assert [r[1] for r in dialog.model.rows] == [NET]
    assert dialog.status_label.text().startswith(
        f"已移除受信任的公钥:绵阳市公安局,指纹 {grouped(POLICE)}")
    assert not dialog.remove_button.isEnabled()


def test_every_trust_operation_is_in_the_readme_and_the_help():
    from jianwang_desktop.cli import build_parser

    from conftest import ROOT

    readme = (ROOT / "README.md").read_text("utf-8")
    trust = next(a for a in build_parser()._actions if a.dest == "command").choices["trust"]
    operations = next(a for a in trust._actions if a.dest == "trust_command").choices
    assert set(operations) == {"add", "list", "remove"}
    for name in operations:
        assert f"`jianwang trust {name}" in readme, name
    help_text = (ROOT / "ui" / "help_dialog.ui").read_text("utf-8")
    assert "移除所选…" in help_text and "移除所选…" in readme
