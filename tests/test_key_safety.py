"""The private key never travels, and a trusted key speaks only for the office it was trusted for."""

import pytest
from cryptography.hazmat.primitives import serialization

from jianwang_desktop.core import signing
from jianwang_desktop.core.attachments import attachment_history, export_attachment
from jianwang_desktop.core.errors import UserError

from conftest import run_cli
from province_fixture import make_office, office_profile, police_and_city


@pytest.fixture
def city(tmp_path):
    office = make_office(tmp_path, office_profile("绵阳市", "版权局"))
    with office.store() as store:
        signing.installation_key(store.path)
    return office


def _refused(office, document, out):
    with office.store() as store:
        with pytest.raises(UserError) as e:
            export_attachment(store, "work_plan", document, out)
        assert attachment_history(store, "work_plan") == []
    assert list(out.iterdir()) == []
    return str(e.value)


def test_the_key_file_itself_is_not_sent_as_a_work_plan(city, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    key_file = signing.key_path(city.db)
    assert "私钥文件" in _refused(city, key_file, out)
    r = run_cli("attach", "--kind", "work_plan", str(key_file), "--out", str(out), db=city.db)
    assert r.returncode == 2 and "私钥" in r.stderr.decode() and list(out.iterdir()) == []


@pytest.mark.parametrize("form", ["pem copy", "other pem", "raw", "der"])
def test_a_document_holding_a_private_key_is_not_sent(city, tmp_path, form):
    out = tmp_path / "out"
    out.mkdir()
    key = signing.load_key(city.db)
    raw, der = key.secret_forms()
    other_pem = b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA==\n-----END OPENSSH PRIVATE KEY-----\n"
    body = {"pem copy": signing.key_path(city.db).read_bytes(), "other pem": other_pem,
            "raw": raw, "der": der}[form]
    document = tmp_path / "工作计划.docx"
    document.write_bytes(b"PK\x03\x04 plan text " + body + b" more text")
    assert "含有私钥" in _refused(city, document, out)
    assert raw == key._private.private_bytes(serialization.Encoding.Raw,
                                             serialization.PrivateFormat.Raw,
                                             serialization.NoEncryption())


def test_an_ordinary_document_and_the_public_key_are_still_sent(city, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    document = tmp_path / "工作计划.txt"
    document.write_text("绵阳市剑网2015工作计划\n" + signing.installation_public_key(city.db)
                        .export_text("绵阳市版权局"), encoding="utf-8")
    with city.store() as store:
        result = export_attachment(store, "work_plan", document, out)
    assert result.path.exists() and result.revision == 1


# ---------------------------------------------------------------- a trusted key, one office

import random  # noqa: E402

from jianwang_desktop.core.receiving import IMPORTED, import_file, received  # noqa: E402

from province_fixture import fill_and_export  # noqa: E402

PERIOD = "2015-08"


@pytest.fixture
def police_key_reused(tmp_path):
    """绵阳市公安局 exports its key file; then its installation is re-set as 网信办 and signs."""
    police, city, out = police_and_city(tmp_path)
    keyfile = tmp_path / "公安局.pub"
    assert run_cli("key", "export", str(keyfile), db=police.db).returncode == 0
    with police.store() as store:
        store.db.execute("UPDATE settings SET value = '网信办' WHERE key = 'department'")
        store.db.execute("UPDATE settings SET value = '绵阳市网信办' WHERE key = 'unit'")
    bundle = fill_and_export(police, PERIOD, random.Random(3), out)
    return city, keyfile, bundle


def test_a_key_trusted_for_the_police_does_not_admit_a_net_office_bundle(police_key_reused):
    city, keyfile, bundle = police_key_reused
    text = keyfile.read_text("utf-8")
    assert "# 市(州):绵阳市" in text and "# 部门:公安局" in text
    r = run_cli("trust", "add", str(keyfile), db=city.db)
    assert r.returncode == 0 and "只用于绵阳市公安局的数据包" in r.stdout.decode()
    with city.store() as store:
        assert list(store.trusted_keys().values())[0][2] == ("绵阳市", "公安局")
        with pytest.raises(UserError) as e:
            import_file(store, bundle, trust_new=True)
        assert "受信任为绵阳市公安局的公钥" in str(e.value)
        assert received(store) == []
    r = run_cli("verify", str(bundle), "--require-trusted", db=city.db)
    assert r.returncode == 1 and "受信任为绵阳市公安局的公钥" in r.stdout.decode()
    r = run_cli("verify", str(bundle), "--trust", str(keyfile), "--require-trusted", db=city.db)
    assert r.returncode == 1


def test_trust_add_needs_an_office_and_refuses_a_contradiction(police_key_reused, tmp_path):
    city, keyfile, bundle = police_key_reused
    bare = tmp_path / "bare.pub"
    bare.write_text("\n".join(ln for ln in keyfile.read_text("utf-8").splitlines()
                              if not ln.startswith("#")) + "\n", encoding="utf-8")
    r = run_cli("trust", "add", str(bare), db=city.db)
    assert r.returncode == 2 and "--region" in r.stderr.decode()
    r = run_cli("trust", "add", str(keyfile), "--region", "绵阳市", "--department", "网信办",
                db=city.db)
    assert r.returncode == 2 and "不符" in r.stderr.decode()
    r = run_cli("trust", "add", str(bare), "--region", "绵阳市", "--department", "不存在",
                db=city.db)
    assert r.returncode == 2 and "没有“绵阳市不存在”" in r.stderr.decode()
    with city.store() as store:
        assert store.trusted_keys() == {}
    r = run_cli("trust", "add", str(bare), "--region", "绵阳市", "--department", "网信办",
                db=city.db)
    assert r.returncode == 0
    with city.store() as store:
        assert import_file(store, bundle).status == IMPORTED
    # the same key cannot then be trusted for another office as well
    r = run_cli("trust", "add", str(keyfile), db=city.db)
    assert r.returncode == 2 and "已作为绵阳市网信办的公钥受信任" in r.stderr.decode()


def test_a_key_trusted_before_offices_were_recorded_is_bound_once_explicitly(police_key_reused):
    city, keyfile, bundle = police_key_reused
    key = signing.read_public_key_file(keyfile)
    with city.store() as store:  # a row as m005 leaves a key that never signed a bundle
        store.db.execute("INSERT INTO trusted_keys (fingerprint, public_key, label, added) "
                         "VALUES (?, ?, '旧的', '2015-08-01')", [key.fingerprint, key.base64])
        with pytest.raises(UserError) as e:
            import_file(store, bundle, trust_new=True)
        assert "没有注明属于哪个单位" in str(e.value) and received(store) == []
        assert store.trust_key(key.fingerprint, key.base64, "网信办", region="绵阳市",
                               department="网信办")
        assert import_file(store, bundle).status == IMPORTED


def test_migration_binds_old_trusted_keys_to_the_office_they_signed_for(tmp_path):
    from jianwang_desktop.core.store import Store

    db = tmp_path / "old.db"
    with Store(db) as store:
        store.db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm005_trusted_key_office'")
        store.db.execute("ALTER TABLE trusted_keys DROP COLUMN region")
        store.db.execute("ALTER TABLE trusted_keys DROP COLUMN department")
        store.db.execute("PRAGMA user_version = 4")
        for fp in ("used", "unused"):
            store.db.execute("INSERT INTO trusted_keys VALUES (?, 'k', ?, '2015-08-01')", [fp, fp])
        for i, (region, department) in enumerate((("绵阳市", "公安局"), ("德阳市", "公安局"))):
            store.db.execute(
                "INSERT INTO received_bundles (sha256, kind, campaign, region, department, unit, "
                "period, revision, created, manifest_sha256, fingerprint, file_name, received, "
                "manifest, bundle) VALUES (?, 'month', 'c', ?, ?, 'u', '2015-08', 1, 'c', 'm', "
                "'used', 'f', 'r', '{}', x'00')", [str(i), region, department])
    with Store(db) as store:
        keys = store.trusted_keys()
    assert keys["used"][2] == ("绵阳市", "公安局") and keys["unused"][2] is None


# ---------------------------------------------------------------- trust what was compared


@pytest.fixture
def police_twice(tmp_path):
    """Two installations of 绵阳市公安局 (two keys), each with a bundle for the same month."""
    out = tmp_path / "out"
    out.mkdir()
    first = make_office(tmp_path / "a", office_profile("绵阳市", "公安局"))
    second = make_office(tmp_path / "b", office_profile("绵阳市", "公安局"))
    city = make_office(tmp_path, office_profile("绵阳市", "版权局"))
    rng = random.Random(5)
    one = fill_and_export(first, PERIOD, rng, tmp_path)
    two = fill_and_export(second, PERIOD, rng, out)
    return city, first, one, two


def test_only_the_fingerprint_the_clerk_compared_is_trusted(police_twice):
    city, first, one, two = police_twice
    compared = signing.installation_public_key(first.db)
    with city.store() as store:
        with pytest.raises(UserError) as e:
            import_file(store, two, trust_fingerprint=compared.fingerprint)
        assert "不是您核对过的" in str(e.value)
        assert store.trusted_keys() == {} and received(store) == []
        outcome = import_file(store, one, trust_fingerprint=compared.fingerprint)
        assert outcome.status == IMPORTED and outcome.newly_trusted
        assert list(store.trusted_keys()) == [compared.fingerprint]
        assert store.trusted_keys()[compared.fingerprint][2] == ("绵阳市", "公安局")


def test_the_import_dialog_trusts_the_compared_key_even_if_the_file_is_swapped(
        qtbot, police_twice, tmp_path):
    from jianwang_desktop.gui.received_import import ImportDialog

    city, _, one, two = police_twice
    dropped = tmp_path / "收到的.zip"
    dropped.write_bytes(one.read_bytes())
    dialog = ImportDialog(city.db)
    qtbot.addWidget(dialog)
    asked = []

    def compare_then_swap(unit, fp):
        asked.append(fp)
        dropped.write_bytes(two.read_bytes())  # replaced while the clerk was on the phone
        return True

    dialog.ask_trust = compare_then_swap
    with qtbot.waitSignal(dialog.finished_all, timeout=20000):
        dialog.import_paths([dropped])
    assert len(asked) == 1
    assert "不是您核对过的" in dialog.log.toPlainText()
    with city.store() as store:
        assert store.trusted_keys() == {} and received(store) == []


def test_the_trusted_keys_dialog_asks_the_office_of_a_file_that_names_none(
        qtbot, police_key_reused, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QInputDialog, QPushButton

    from jianwang_desktop.core.store import Store
    from jianwang_desktop.gui.key_dialogs import TrustedKeysDialog

    _, keyfile, _ = police_key_reused
    bare = tmp_path / "bare.pub"
    bare.write_text(signing.read_public_key_file(keyfile).base64 + "\n", encoding="utf-8")
    offered = []

    def pick(parent, title, label, items, current, editable):
        offered.extend(items)
        return "德阳市网信办", True

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(bare), "")))
    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(pick))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: (k["text"], True)))
    with Store(tmp_path / "receiver.db") as receiver:
        dialog = TrustedKeysDialog(receiver)
        qtbot.addWidget(dialog)
        dialog.findChild(QPushButton, "addButton").click()
        (entry,) = receiver.trusted_keys().values()
    assert "绵阳市公安局" in offered and entry[1:] == ("德阳市网信办", ("德阳市", "网信办"))


def test_the_verify_dialog_does_not_offer_to_trust_a_key_of_another_office(
        qtbot, police_key_reused):
    from jianwang_desktop.core.verify import verify_file
    from jianwang_desktop.gui.verify_dialog import VerifyDialog

    city, keyfile, bundle = police_key_reused
    key = signing.read_public_key_file(keyfile)
    with city.store() as store:
        store.trust_key(key.fingerprint, key.base64, "公安局", region="绵阳市", department="公安局")
        dialog = VerifyDialog(store)
        qtbot.addWidget(dialog)
        result = verify_file(bundle, store.trusted_keys())
        dialog.show_result(result)
        assert result.ok and not result.trusted and result.trusted_office == ("绵阳市", "公安局")
        assert not dialog.trust_button.isEnabled()
        assert "受信任为绵阳市公安局的公钥" in dialog.signer_label.text()
