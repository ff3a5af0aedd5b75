"""The 更正记录 dialog and the 备份与恢复 dialog, including the offer at start for a damaged file."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from jianwang_desktop.core import backup
from jianwang_desktop.core.bundle import export_month
from jianwang_desktop.core.store import Store
from jianwang_desktop.gui import app
from jianwang_desktop.gui.audit_dialog import AuditDialog, AuditTrailModel
from jianwang_desktop.gui.backup_dialog import BackupDialog
from sample_data import sample_month

from conftest import MIANYANG

AUG = "2015-08"


@pytest.fixture
def quiet(monkeypatch):
    """Swallow the information and warning boxes, keeping their texts."""
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[2]))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    return shown


def test_the_audit_dialog_lists_versions_and_changes(qtbot, store, tmp_path):
    store.replace_month(sample_month(store.form))
    export_month(store, AUG, tmp_path)
    store.start_correction(AUG, "罚款金额填错")
    store.set_cell(AUG, "音乐", "fine", Decimal("3.25"))
    store.delete_case(AUG, store.load_cases(AUG)[0].id)
    dialog = AuditDialog(store, AUG)
    qtbot.addWidget(dialog)
    assert "第1版" in dialog.versions.text() and "更正中" in dialog.versions.text()
    model = dialog.view.model()
    assert model.rowCount() == 2
    assert model.index(0, AuditTrailModel.FILLER).data() == "张三"
    assert model.index(0, AuditTrailModel.REASON).data() == "罚款金额填错"
    assert model.index(0, AuditTrailModel.REVISION).data() == "第2版"
    assert "→ 3.25" in model.index(0, AuditTrailModel.CHANGE).data()
    assert "删除案件 201508-001" in model.index(1, AuditTrailModel.CHANGE).data()
    assert model.headerData(4, Qt.Orientation.Horizontal) == "修改内容(原值 → 新值)"
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.grab().save(str(tmp_path / "audit.png"))


def test_a_month_never_exported_has_an_empty_trail(qtbot, store):
    dialog = AuditDialog(store, AUG)
    qtbot.addWidget(dialog)
    assert dialog.view.model().rowCount() == 0 and "还没有导出过" in dialog.versions.text()


def _store_with(db_path, unit_suffix: str) -> None:
    with Store(db_path) as s:
        s.set_profile(MIANYANG)
        s.set_cell(AUG, "音乐", "filed", len(unit_suffix))


def test_the_backup_dialog_lists_and_restores_after_confirmation(qtbot, db_path, quiet,
                                                                 monkeypatch):
    _store_with(db_path, "一")
    with Store(db_path) as s:
        kept = backup.backup_now(s, "manual")
        s.set_cell(AUG, "音乐", "filed", 42)
    dialog = BackupDialog(db_path)
    qtbot.addWidget(dialog)
    model = dialog.view.model()
    assert model.rowCount() == len(backup.list_backups(db_path)) >= 1
    assert model.index(0, 0).data() == kept.when and model.index(0, 1).data() == "手动备份"
    assert model.index(0, 2).data().endswith("KB") and model.index(0, 3).data() == kept.name
    assert dialog.restore_button.isEnabled()

    monkeypatch.setattr(dialog, "confirm", lambda info: False)  # the clerk says no
    dialog.restore_button.click()
    assert dialog.restored is None
    with Store(db_path) as s:
        assert s.load_grid(AUG)["音乐"]["filed"] == 42

    monkeypatch.setattr(dialog, "confirm", lambda info: info.name == kept.name)
    dialog.restore_button.click()
    assert dialog.restored.restored.name == kept.name and dialog.result() == 1
    assert any("恢复前的数据已备份" in text for text in quiet)
    with Store(db_path) as s:
        assert s.load_grid(AUG)["音乐"]["filed"] == 1


def test_a_refused_restore_says_why_and_keeps_the_dialog(qtbot, db_path, quiet, monkeypatch):
    _store_with(db_path, "一")
    with Store(db_path) as s:
        backup.backup_now(s, "manual")
        dialog = BackupDialog(db_path)  # the database is still open here: restore refuses
        qtbot.addWidget(dialog)
        monkeypatch.setattr(dialog, "confirm", lambda info: True)
        dialog.restore_button.click()
    assert dialog.restored is None and any("正被另一个程序" in text for text in quiet)


def test_a_damaged_file_at_start_offers_the_backups(qtbot, db_path, quiet, monkeypatch):
    _store_with(db_path, "一二三")
    with Store(db_path) as s:
        newest = backup.backup_now(s, "manual")
    db_path.write_bytes(b"not a database " * 300)
    offered = []

    def exec_(dialog):  # the clerk picks the newest backup and confirms
        offered.append(dialog.message.text())
        monkeypatch.setattr(dialog, "confirm", lambda info: True)
        dialog.restore_selected()
        return dialog.result()

    monkeypatch.setattr(BackupDialog, "exec", exec_)
    store = app._open_or_restore(Store, db_path, exit_after_start=False)
    try:
        assert store.load_grid(AUG)["音乐"]["filed"] == 3
    finally:
        store.close()
    assert newest.name in offered[0] and "损坏" in offered[0]
    assert list(db_path.parent.glob("*.damaged-*"))  # the damaged file is kept aside


def test_declining_the_offer_leaves_the_damaged_file_alone(qtbot, db_path, quiet, monkeypatch):
    _store_with(db_path, "一")
    with Store(db_path) as s:
        backup.backup_now(s, "manual")
    db_path.write_bytes(b"not a database " * 300)
    garbage = db_path.read_bytes()
    monkeypatch.setattr(BackupDialog, "exec", lambda dialog: 0)
    with pytest.raises(backup.DamagedDatabase):
        app._open_or_restore(Store, db_path, exit_after_start=False)
    assert db_path.read_bytes() == garbage
