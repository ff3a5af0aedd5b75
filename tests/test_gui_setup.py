"""First-run setup, settings, and one window per database."""

import subprocess
import sys

import pytest
from PySide6.QtWidgets import QDialog

from jianwang_desktop.core.errors import UserError
from jianwang_desktop.core.store import Store
from jianwang_desktop.gui.db_lock import acquire_db_lock, lock_path
from jianwang_desktop.gui.profile_dialog import SettingsDialog, SetupDialog
from gui_helpers import type_text

from conftest import MIANYANG, ROOT


def test_setup_dialog_fills_what_init_fills(qtbot, db_path):
    with Store(db_path) as store:
        assert store.profile() is None
        dialog = SetupDialog(store)
        qtbot.addWidget(dialog)
        dialog.show()
        fields = dialog.fields
        assert fields.isVisible() and fields.window() is dialog  # inside the dialog itself
        assert dialog.windowTitle() == "首次使用:设置填报单位"
        dialog.accept()  # nothing chosen yet: refused, every problem shown
        assert store.profile() is None
        assert "请选择市(州)" in fields.problem_label.text()
        fields.region.setCurrentText("德阳市")
        fields.department.setCurrentText("公安局")
        assert fields.unit.text() == "德阳市公安局"  # suggested until typed over
        type_text(qtbot, fields.filler, "李四")
        type_text(qtbot, fields.phone, "0838-123")
        assert "联系电话格式不对" in fields.phone.toolTip()
        dialog.accept()
        assert store.profile() is None and dialog.result() != QDialog.DialogCode.Accepted
        fields.phone.clear()
        type_text(qtbot, fields.phone, "0838-2345678")
        assert fields.phone.toolTip() == ""
        dialog.accept()
        assert dialog.result() == QDialog.DialogCode.Accepted
        profile = store.profile()
    assert (profile.region, profile.department, profile.unit, profile.filler, profile.phone) == (
        "德阳市", "公安局", "德阳市公安局", "李四", "0838-2345678")


def test_settings_change_the_profile_and_the_case_sources(qtbot, store):
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    assert dialog.fields.unit.text() == MIANYANG.unit
    dialog.fields.filler.setText("王五")
    dialog.sources.setPlainText("上级交办\n\n  网络巡查  \n")
    dialog.accept()
    assert store.profile().filler == "王五"
    assert store.case_sources() == ["上级交办", "网络巡查"]


def test_settings_refuse_an_empty_source_list_and_keep_everything(qtbot, store):
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    dialog.fields.filler.setText("王五")
    dialog.sources.setPlainText("\n  \n")
    dialog.accept()
    assert "不能全部删除" in dialog.fields.problem_label.text()
    assert store.profile().filler == MIANYANG.filler
    assert dialog.result() != QDialog.DialogCode.Accepted


def test_a_second_window_on_the_same_database_is_refused(db_path):
    first = acquire_db_lock(db_path)
    try:
        with pytest.raises(UserError) as refused:
            acquire_db_lock(db_path)
        assert "已在另一个剑网填报窗口中打开" in str(refused.value)
        assert str(lock_path(db_path)) in str(refused.value)
    finally:
        first.unlock()
    acquire_db_lock(db_path).unlock()  # free again once the first window is gone


def test_a_lock_left_by_a_crash_does_not_block(db_path):
    code = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from jianwang_desktop.gui.db_lock import acquire_db_lock\n"
        "lock = acquire_db_lock(Path(sys.argv[1]))\n"
        "os._exit(0)  # dies without unlocking, as a crash would\n"
    )
    subprocess.run([sys.executable, "-c", code, str(db_path)], check=True, cwd=ROOT)
    assert lock_path(db_path).exists()
    acquire_db_lock(db_path).unlock()


def test_the_program_refuses_a_database_open_in_another_window(db_path):
    from conftest import run_cli

    lock = acquire_db_lock(db_path)
    try:
        r = run_cli("--exit-after-start", db=db_path)
    finally:
        lock.unlock()
    assert r.returncode == 2
    assert "已在另一个剑网填报窗口中打开" in r.stderr.decode("utf-8")


def test_first_start_asks_for_the_profile_and_stops_when_cancelled(db_path, monkeypatch, qapp):
    from jianwang_desktop.gui import app
    from jianwang_desktop.gui.main_window import MainWindow

    shown = []
    monkeypatch.setattr(SetupDialog, "exec", lambda self: shown.append(self) or 0)
    monkeypatch.setattr(MainWindow, "show", lambda self: pytest.fail("no window without a profile"))
    assert app.run_gui(db_path) == 0
    assert len(shown) == 1
    acquire_db_lock(db_path).unlock()  # the lock was released on the way out


def test_the_problem_list_fits_and_every_line_is_a_sentence(qtbot, db_path):
    with Store(db_path) as store:
        dialog = SetupDialog(store)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        label = dialog.fields.problem_label
        assert label.isHidden()  # nothing typed yet, nothing to say
        dialog.accept()
        qtbot.wait(10)
        lines = label.text().split("\n")
        assert len(lines) == 4 and all(line.endswith("。") for line in lines)
        assert label.height() >= label.heightForWidth(label.width())  # not clipped
        assert label.geometry().bottom() <= dialog.fields.height()
        assert dialog.fields.geometry().bottom() <= dialog.buttons.geometry().top()


def test_setup_opens_on_the_first_field_and_tabs_in_order(qtbot, db_path):
    """The clerk types at once into 市(州) and tabs down to 确定; the dialog had opened with
    the focus on 确定, ahead of the fields."""
    with Store(db_path) as store:
        dialog = SetupDialog(store)
        qtbot.addWidget(dialog)
        dialog.show()
        fields = dialog.fields
        seen = [dialog.focusWidget()]
        for _ in range(6):
            dialog.focusNextChild()  # what Tab does
            seen.append(dialog.focusWidget())
        ok, cancel = dialog.buttons.buttons()[:2]
        assert seen[:5] == [fields.region, fields.department, fields.unit, fields.filler,
                            fields.phone]
        assert set(seen[5:]) == {ok, cancel}
