"""The 工具 menu's dialogs: verifying bundles, trusted keys, this office's key, the seal; and
the times and fingerprints the 更正记录 dialog shows, as the verify dialog shows them."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QImage
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from jianwang_desktop.core.bundle import export_month
from jianwang_desktop.core.signing import grouped, installation_public_key
from jianwang_desktop.core.store import Store
from jianwang_desktop.core.verify import CHECKS, verify_file
from jianwang_desktop.gui.key_dialogs import OwnKeyDialog, TrustedKeysDialog, write_key_sheet_pdf
from jianwang_desktop.gui.seal import seal_image
from jianwang_desktop.gui.seal_dialog import SealDialog
from jianwang_desktop.gui.verify_dialog import VerifyDialog
from sample_data import sample_month


@pytest.fixture
def bundle(store, tmp_path) -> Path:
    store.replace_month(sample_month(store.form))
    out = tmp_path / "sent"
    out.mkdir()
    return export_month(store, "2015-08", out).path


@pytest.fixture
def receiver(tmp_path):
    """The province's own database: it trusts nobody yet."""
    with Store(tmp_path / "province.db") as s:
        yield s


def tampered(bundle: Path, tmp_path: Path) -> Path:
    """The same bundle with one byte of data.json changed, re-zipped."""
    target = tmp_path / "tampered.zip"
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "data.json":
                data = data.replace(b'"filed": 1', b'"filed": 2', 1)
            out.writestr(info, data)
    return target


def open_verify(qtbot, receiver) -> VerifyDialog:
    dialog = VerifyDialog(receiver)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def lines(dialog: VerifyDialog) -> list[str]:
    return [dialog.checks_list.item(i).text() for i in range(dialog.checks_list.count())]


def test_core_lists_the_outcome_of_every_check(bundle, tmp_path):
    good = verify_file(bundle)
    assert good.checks == {key: True for key in CHECKS}
    bad = verify_file(tampered(bundle, tmp_path))
    assert bad.checks["files"] is False and bad.checks["signature"] is True
    assert bad.checks["zip"] is True and bad.checks["manifest"] is True


def test_verify_a_good_bundle_then_trust_its_key(qtbot, bundle, receiver, store, monkeypatch):
    dialog = open_verify(qtbot, receiver)
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(bundle), "")))
    dialog.findChild(type(dialog.trust_button), "browseButton").click()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20000)
    assert "验证通过" in dialog.result_label.text()
    assert len(lines(dialog)) == len(CHECKS) and all(t.startswith("✔") for t in lines(dialog))
    fingerprint = installation_public_key(store.path).fingerprint
    assert grouped(fingerprint) in dialog.signer_label.text()
    assert "未受信任" in dialog.signer_label.text() and dialog.trust_button.isEnabled()
    assert "绵阳市版权局" in dialog.bundle_label.text()
    assert re.search(r"生成时间:\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", dialog.bundle_label.text())

    asked = []

    def confirm(parent, title, text, *rest):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(confirm))
    dialog.trust_button.click()
    assert grouped(fingerprint) in asked[0]
    qtbot.waitUntil(lambda: dialog.result is not None and dialog.result.trusted, timeout=20000)
    assert "受信任(绵阳市版权局)" in dialog.signer_label.text()
    assert not dialog.trust_button.isEnabled()
    assert fingerprint in receiver.trusted_keys()


def test_declining_the_comparison_trusts_nothing(qtbot, bundle, receiver, monkeypatch):
    dialog = open_verify(qtbot, receiver)
    dialog.verify(bundle)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20000)
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.No))
    dialog.trust_button.click()
    assert receiver.trusted_keys() == {}


def test_a_tampered_bundle_is_shown_failing_and_cannot_be_trusted_from_here(
        qtbot, bundle, receiver, tmp_path):
    dialog = open_verify(qtbot, receiver)
    bad = tampered(bundle, tmp_path)
    # Dropped on the dialog as from the file manager.
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(bad))])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    dialog.dropEvent(drop)
    assert drop.isAccepted()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20000)
    assert "验证未通过" in dialog.result_label.text()
    failed = [t for t in lines(dialog) if t.startswith("✘")]
    assert any(CHECKS["files"] in t for t in failed)
    assert "data.json" in dialog.failures_edit.toPlainText()
    assert "被改动" in dialog.failures_edit.toPlainText()
    assert dialog.path_edit.text() == str(bad)
    assert not dialog.trust_button.isEnabled()  # a key is trusted from a good bundle only


def test_a_file_that_is_no_zip_fails_without_a_traceback(qtbot, receiver, tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip at all")
    dialog = open_verify(qtbot, receiver)
    dialog.verify(junk)
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=20000)
    assert lines(dialog)[0].startswith("✘")
    assert all(t.startswith("—") for t in lines(dialog)[1:])  # nothing left to check
    assert "zip" in dialog.failures_edit.toPlainText()
    assert "Traceback" not in dialog.result_label.text()


def test_seal_dialog_refuses_a_non_image_and_keeps_a_png(qtbot, store, tmp_path):
    dialog = SealDialog(store)
    qtbot.addWidget(dialog)
    text = tmp_path / "seal.png"
    text.write_text("这不是图片", encoding="utf-8")
    assert not dialog.load_file(text)
    assert "不是可以读取的图片" in dialog.status.text() and seal_image(store) is None
    assert not dialog.clear_button.isEnabled()

    image = QImage(120, 120, QImage.Format.Format_ARGB32)
    image.fill(QColor(200, 0, 0, 180))
    png = tmp_path / "real.png"
    image.save(str(png))
    assert dialog.load_file(png)
    assert seal_image(store) is not None and not dialog.preview.pixmap().isNull()
    assert dialog.clear_button.isEnabled()
    dialog.clear_button.click()
    assert seal_image(store) is None and "已清除" in dialog.status.text()


def test_own_key_dialog_makes_shows_and_exports_the_key(qtbot, store, tmp_path, monkeypatch):
    dialog = OwnKeyDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.create_button.isVisibleTo(dialog) and not dialog.export_button.isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("", True)))
    dialog.create_button.click()
    public = installation_public_key(store.path)
    assert dialog.fingerprint_label.text() == grouped(public.fingerprint)
    assert dialog.fingerprint_label.font().pointSize() >= 20  # read over the phone
    target = tmp_path / "本单位.pub"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    dialog.export_button.click()
    text = target.read_text("utf-8")
    assert public.fingerprint in text and "PRIVATE" not in text and "BEGIN PUBLIC KEY" in text

    # The receiving side adds that file to its trusted keys.
    with Store(tmp_path / "province.db") as receiver:
        keys = TrustedKeysDialog(receiver)
        qtbot.addWidget(keys)
        monkeypatch.setattr(QFileDialog, "getOpenFileName",
                            staticmethod(lambda *a, **k: (str(target), "")))
        monkeypatch.setattr(QInputDialog, "getText",
                            staticmethod(lambda *a, **k: ("绵阳市版权局", True)))
        keys.findChild(type(dialog.export_button), "addButton").click()
        assert receiver.trusted_keys()[public.fingerprint][1] == "绵阳市版权局"
        assert keys.model.rowCount() == 1
        assert keys.model.index(0, 1).data() == grouped(public.fingerprint)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_printed_key_sheet_carries_the_fingerprint(qtbot, store, tmp_path):
    from jianwang_desktop.core.signing import installation_key

    public = installation_key(store.path).public
    target = tmp_path / "key.pdf"
    write_key_sheet_pdf("绵阳市版权局", public, target)
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    assert grouped(public.fingerprint) in text and public.base64 in text


def test_settings_show_the_key_fingerprint(qtbot, store):
    from PySide6.QtWidgets import QLabel

    from jianwang_desktop.core.signing import installation_key
    from jianwang_desktop.gui.profile_dialog import SettingsDialog

    before = SettingsDialog(store)
    qtbot.addWidget(before)
    assert "尚未生成" in before.findChild(QLabel, "keyFingerprintLabel").text()
    key = installation_key(store.path)
    after = SettingsDialog(store)
    qtbot.addWidget(after)
    assert after.findChild(QLabel, "keyFingerprintLabel").text() == grouped(key.fingerprint)


def test_a_bundle_that_cannot_be_read_is_told_why_in_chinese(qtbot, receiver, tmp_path):
    """A file moved away after it was chosen, and a folder: the reason is Chinese, not
    the C library's "No such file or directory"."""
    dialog = open_verify(qtbot, receiver)
    folder = tmp_path / "收件.zip"
    folder.mkdir()
    for path, reason in ((tmp_path / "gone.zip", "文件或文件夹不存在"),
                         (folder, "")):
        dialog.verify(path)
        qtbot.waitUntil(lambda: not dialog.busy, timeout=20000)
        shown = dialog.result_label.text()
        assert shown.startswith("无法验证") and str(path) in shown and reason in shown
        assert not any("a" <= ch.lower() <= "z" for ch in shown.replace(str(path), "")), shown


def test_the_audit_dialog_shows_times_and_fingerprints_as_elsewhere(qtbot, store, tmp_path):
    """As the 更正 dialog and the export result show them: no ISO 'T' and '+08:00', the
    fingerprint in groups of four."""
    from datetime import datetime, timedelta, timezone
    from decimal import Decimal

    from jianwang_desktop.core.bundle import export_month
    from jianwang_desktop.core.signing import grouped
    from jianwang_desktop.gui.audit_dialog import AuditDialog, AuditTrailModel
    from sample_data import sample_month

    store.replace_month(sample_month(store.form))
    china = timezone(timedelta(hours=8))
    export_month(store, "2015-08", tmp_path, now=datetime(2015, 8, 28, 16, 52, 10, tzinfo=china))
    store.start_correction("2015-08", "罚款金额填错")
    store.set_cell("2015-08", "音乐", "fine", Decimal("3.25"))
    dialog = AuditDialog(store, "2015-08")
    qtbot.addWidget(dialog)
    versions = dialog.versions.text()
    assert "第1版  2015-08-28 16:52:10  " in versions and "T16:52" not in versions
    assert grouped(store.exports("2015-08")[0].fingerprint) in versions
    when = dialog.view.model().index(0, AuditTrailModel.TIME).data()
    assert len(when) == 19 and "T" not in when and "+" not in when


def test_the_audit_dialog_leaves_room_for_what_was_changed(qtbot, store, tmp_path):
    """A long 更正原因, the same on every row of the version, took the width and cut each
    change (原值 → 新值) to a few characters: the reason column is kept narrow (whole on hover
    and in the versions above), the changes get the rest."""
    from decimal import Decimal

    from jianwang_desktop.core.bundle import export_month
    from jianwang_desktop.gui.audit_dialog import AuditDialog, AuditTrailModel
    from sample_data import sample_month

    store.replace_month(sample_month(store.form))
    export_month(store, "2015-08", tmp_path)
    store.start_correction("2015-08", "201508-003 案件查处结果填写有误(罚款金额应为 0.5 万元),"
                                      "更正后重新报送。")
    store.set_cell("2015-08", "音乐", "fine", Decimal("3.25"))
    dialog = AuditDialog(store, "2015-08")
    qtbot.addWidget(dialog)
    dialog.show()
    header = dialog.view.horizontalHeader()
    width = dialog.view.viewport().width()
    assert header.sectionSize(AuditTrailModel.REASON) <= width // 4
    assert header.sectionSize(AuditTrailModel.CHANGE) >= width // 3
