"""工具 → 备份与恢复… in the open window: the backups, 立即备份, and restoring one while the
program runs (the window then shows the restored data, on a store that takes edits)."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from PySide6.QtWidgets import QMessageBox

from jianwang_desktop.core import backup
from jianwang_desktop.core.bundle import export_month
from jianwang_desktop.core.errors import UserError
from jianwang_desktop.core.month_state import EXPORTED
from jianwang_desktop.core.store import Store
from jianwang_desktop.gui import background
from jianwang_desktop.gui.backup_dialog import BackupDialog
from jianwang_desktop.gui.main_window import MainWindow
from gui_helpers import AUGUST
from sample_data import sample_month

import dbcontent

AUG = "2015-08"


class Shown:
    """The main window on a store, followed through restores as the program follows it
    (gui/app.py: the window shown last is closed at the end, with its store)."""

    def __init__(self, qtbot, store):
        self.qtbot = qtbot
        self.store = store
        self.window: MainWindow | None = None
        self.replaced: list[MainWindow] = []

    def open(self) -> MainWindow:
        window = MainWindow(self.store, today=AUGUST)
        window.on_replaced = self._follow
        self.window = window
        window.show()
        self.qtbot.waitExposed(window)
        self.wait_started()
        return window

    def _follow(self, new: MainWindow) -> None:
        self.replaced.append(self.window)
        self.window = new

    def wait_started(self) -> None:
        self.qtbot.waitUntil(lambda: not self.window.start_pending, timeout=20000)

    def close(self) -> None:
        if self.window is not None:
            self.window.close()
            self.window.deleteLater()
            if self.window.store is not self.store:
                self.window.store.close()


@pytest.fixture
def shown(qtbot, store):
    opened = Shown(qtbot, store)
    yield opened
    opened.close()


@pytest.fixture
def boxes(monkeypatch):
    """The message boxes, answered and noted: (kind, text); `answer` is the reply to a question."""
    noted = Noted()

    def note(kind):
        def box(*args, **_kwargs):
            noted.append((kind, args[2]))
            return boxes_answer[0]
        return staticmethod(box)

    boxes_answer = [QMessageBox.StandardButton.Yes]
    for kind in ("question", "information", "warning"):
        monkeypatch.setattr(QMessageBox, kind, note(kind))
    noted.answer = boxes_answer
    return noted


class Noted(list):
    answer: list


def open_backups(window: MainWindow) -> BackupDialog:
    action = next(a for m in window.menuBar().actions() if m.text().startswith("工具")
                  for a in m.menu().actions() if a.text() == "备份与恢复…")
    action.trigger()
    dialog = window.menus.dialog
    assert isinstance(dialog, BackupDialog)
    return dialog


def choose(dialog: BackupDialog, name: str) -> None:
    rows = [dialog.model.backup_at(r).name for r in range(dialog.model.rowCount())]
    dialog.view.selectRow(rows.index(name))
    assert dialog.selected().name == name


def cases_shown(window: MainWindow) -> list[str]:
    return [c.name for c in window.case_model.cases()]


def music_filed(window: MainWindow):
    return window.statistics_model.grid()["音乐"]["filed"]


def test_the_tools_menu_opens_the_backups_of_the_open_database(qtbot, store, shown, boxes):
    made = backup.backup_now(store, "manual")
    window = shown.open()
    dialog = open_backups(window)
    assert dialog.db_path == store.path and dialog.store is store
    assert dialog.isVisible() and dialog.backup_now_button.isVisible()
    listed = [dialog.model.backup_at(r).name for r in range(dialog.model.rowCount())]
    assert listed == [b.name for b in backup.list_backups(store.path)] and made.name in listed
    assert dialog.selected().name == listed[0]  # the newest, first
    assert "恢复前会先自动备份当前数据" in dialog.message.text()


def test_backing_up_now_adds_a_backup_and_the_list_shows_it_chosen(qtbot, store, shown, boxes):
    window = shown.open()
    dialog = open_backups(window)
    before = {b.name for b in backup.list_backups(store.path)}
    store.set_cell(AUG, "音乐", "filed", 5)
    dialog.backup_now_button.click()
    new = [b for b in backup.list_backups(store.path) if b.name not in before]
    assert len(new) == 1 and new[0].reason == "manual"
    assert dialog.model.rowCount() == len(before) + 1
    assert dialog.selected().name == new[0].name
    assert dialog.model.index(dialog.view.currentIndex().row(), 1).data() == "手动备份"
    with Store(new[0].path) as copy:  # what the window had stored is in it
        assert copy.load_grid(AUG)["音乐"]["filed"] == 5
    assert "还没有备份" not in dialog.message.text()


def test_restoring_an_older_backup_shows_the_old_data_and_takes_edits(qtbot, store, db_path,
                                                                      shown, boxes, tmp_path):
    store.replace_month(sample_month(store.form))
    kept = backup.backup_now(store, "manual")
    window = shown.open()
    deleted = window.case_model.cases()[0]
    old_filed = music_filed(window)
    # After the backup: a case deleted, a cell changed, the month exported (locked).
    store.delete_case(AUG, deleted.id)
    store.set_cell(AUG, "音乐", "filed", old_filed + 7)
    out = tmp_path / "sent"
    out.mkdir()
    export_month(store, AUG, out)
    window.reload_month(AUG)
    window.refresh_month_states()
    shown.wait_started()
    assert deleted.name not in cases_shown(window) and window.statistics_model.read_only
    window.tabs.setCurrentWidget(window.cases_page)

    dialog = open_backups(window)
    choose(dialog, kept.name)
    dialog.restore_button.click()
    assert [kind for kind, _ in boxes] == ["question", "information"]
    assert kept.when in boxes[0][1] and "恢复前的数据已备份为" in boxes[1][1]
    # The question warns that the month exported since will forget its 第1版.
    assert "这份备份之后,本机导出过 2015年8月第1版。" in boxes[0][1]

    new = shown.window
    assert new is not window and shown.replaced == [window] and new.isVisible()
    assert window.replaced and not window.isVisible()
    assert new.store is not store and new.store.path == db_path
    shown.wait_started()
    # The month and the tab shown before; the data of the backup everywhere.
    assert new.period == AUG and new.tabs.currentWidget() is new.cases_page
    assert deleted.name in cases_shown(new) and music_filed(new) == old_filed
    assert not new.statistics_model.read_only and new.add_case_button.isEnabled()
    state = new.month_model.status(new.month_model.row_of(AUG)).state
    assert state != EXPORTED
    assert new.unit_label.text().startswith("填报单位:绵阳市版权局")
    assert new.city_page is not None and new.city_page.store is new.store
    safety = [b for b in backup.list_backups(db_path) if b.reason == "restore"]
    assert len(safety) == 1  # the data before the restore, kept
    with Store(safety[0].path) as before:
        assert before.is_locked(AUG) and before.load_grid(AUG)["音乐"]["filed"] == old_filed + 7

    # The restored file takes edits: a cell typed in the window is in the file.
    new.statistics_model.setData(new.statistics_model.index_of("音乐", "filed"), "11")
    assert dbcontent.integrity(db_path) == ["ok"]
    with Store(db_path) as again:
        assert again.load_grid(AUG)["音乐"]["filed"] == 11
        assert deleted.name in [c.name for c in again.load_cases(AUG)]
    qtbot.waitUntil(lambda: not window_alive(window))  # the old window is gone


def window_alive(window) -> bool:
    from shiboken6 import isValid

    return isValid(window)


def test_answering_no_leaves_the_window_and_the_data_as_they_were(qtbot, store, db_path,
                                                                   shown, boxes):
    store.set_cell(AUG, "音乐", "filed", 1)
    kept = backup.backup_now(store, "manual")
    store.set_cell(AUG, "音乐", "filed", 2)
    window = shown.open()
    before = dbcontent.state(db_path)
    backups = backup.list_backups(db_path)
    dialog = open_backups(window)
    choose(dialog, kept.name)
    boxes.answer[0] = QMessageBox.StandardButton.No
    dialog.restore_button.click()
    assert [kind for kind, _ in boxes] == ["question"] and dialog.isVisible()
    assert "导出过" not in boxes[0][1]  # nothing exported since that backup
    assert shown.window is window and not window.replaced and dialog.restored is None
    assert dbcontent.state(db_path) == before and backup.list_backups(db_path) == backups
    assert music_filed(window) == 2


def test_a_failed_restore_says_why_and_the_window_carries_on(qtbot, store, db_path, shown,
                                                             boxes):
    store.set_cell(AUG, "音乐", "filed", 1)
    kept = backup.backup_now(store, "manual")
    store.set_cell(AUG, "音乐", "filed", 2)
    window = shown.open()
    before = dbcontent.state(db_path)
    dialog = open_backups(window)
    choose(dialog, kept.name)
    other = sqlite3.connect(db_path)  # another program has the file open: restore refuses
    try:
        other.execute("SELECT count(*) FROM settings").fetchone()
        other.execute("BEGIN")
        other.execute("SELECT count(*) FROM settings").fetchone()
        dialog.restore_button.click()
    finally:
        other.close()
    assert [kind for kind, _ in boxes] == ["question", "warning"]
    assert "正被另一个程序" in boxes[1][1] and "没有恢复" in boxes[1][1]
    assert shown.window is window and not window.replaced and dialog.isVisible()
    assert dbcontent.state(db_path) == before and music_filed(window) == 2
    # The window's store is open again and takes edits.
    window.statistics_model.setData(window.statistics_model.index_of("音乐", "filed"), "3")
    with Store(db_path) as again:
        assert again.load_grid(AUG)["音乐"]["filed"] == 3


def test_a_refusal_of_the_core_leaves_everything_as_it_was(qtbot, store, db_path, shown, boxes,
                                                          monkeypatch):
    kept = backup.backup_now(store, "manual")
    store.set_cell(AUG, "音乐", "filed", 2)
    window = shown.open()
    before = dbcontent.state(db_path)

    def refuse(path, name=None):
        raise UserError("备份 X 已损坏或不是本程序的数据库,不能用来恢复。")

    monkeypatch.setattr(backup, "restore", refuse)
    dialog = open_backups(window)
    choose(dialog, kept.name)
    dialog.restore_button.click()
    assert boxes[-1] == ("warning", "备份 X 已损坏或不是本程序的数据库,不能用来恢复。")
    assert shown.window is window and dbcontent.state(db_path) == before
    window.menus.dialog.close()
    window.case_editor.flush()
    window.add_case()  # the store takes edits again
    assert len(store.load_cases(AUG)) == 1


def test_a_restored_file_that_cannot_be_opened_is_put_back(qtbot, store, db_path, shown,
                                                           boxes, monkeypatch):
    kept = backup.backup_now(store, "manual")
    store.set_cell(AUG, "音乐", "filed", 2)
    window = shown.open()
    before = dbcontent.state(db_path)
    from jianwang_desktop.gui import live_restore

    def cannot_open(path):
        raise UserError("数据库无法打开。")

    monkeypatch.setattr(live_restore, "Store", cannot_open)
    dialog = open_backups(window)
    choose(dialog, kept.name)
    dialog.restore_button.click()
    assert boxes[-1][0] == "warning" and "已换回恢复前的数据" in boxes[-1][1]
    assert "数据库无法打开" in boxes[-1][1]
    assert shown.window is window and dbcontent.state(db_path) == before
    assert music_filed(window) == 2
    store.set_cell(AUG, "音乐", "filed", 4)  # the old store is open again
    assert store.load_grid(AUG)["音乐"]["filed"] == 4


def test_a_defect_showing_the_restored_file_is_told_in_chinese_and_put_back(
        qtbot, store, db_path, shown, boxes, monkeypatch, capsys):
    """An exception of the program's own while the restored file is shown had its English
    name and text (KeyError: 'x') reach the clerk as the reason."""
    kept = backup.backup_now(store, "manual")
    store.set_cell(AUG, "音乐", "filed", 2)
    window = shown.open()
    before = dbcontent.state(db_path)
    from jianwang_desktop.gui import main_window

    def broken(self, *args, **kwargs):
        raise KeyError("x")

    monkeypatch.setattr(main_window.MainWindow, "__init__", broken)
    dialog = open_backups(window)
    choose(dialog, kept.name)
    dialog.restore_button.click()
    kind, text = boxes[-1][:2]
    assert kind == "warning" and "程序内部错误" in text and "已换回恢复前的数据" in text
    assert "KeyError" not in text and "'x'" not in text
    assert "KeyError" in capsys.readouterr().err  # printed, for whoever looks into it
    assert shown.window is window and dbcontent.state(db_path) == before


def test_when_nothing_can_be_put_back_the_window_takes_no_more_edits(
        qtbot, store, db_path, shown, boxes, monkeypatch):
    """The restored file cannot be opened and putting the data of before back fails too:
    the window was left working on a closed database, and every edit, and closing it,
    ended in a traceback."""
    kept = backup.backup_now(store, "manual")
    window = shown.open()
    from jianwang_desktop.gui import live_restore

    def cannot_open(path):
        raise UserError("数据库无法打开。")

    real_restore = backup.restore
    calls = []

    def restore_once(path, name=None):
        calls.append(name)
        if len(calls) > 1:
            raise UserError("磁盘已满。")
        return real_restore(path, name)

    monkeypatch.setattr(live_restore, "Store", cannot_open)
    monkeypatch.setattr(live_restore.backup, "restore", restore_once)
    dialog = open_backups(window)
    choose(dialog, kept.name)
    dialog.restore_button.click()
    assert boxes[-1][0] == "warning" and "换回恢复前的数据也没有成功" in boxes[-1][1]
    assert f'--db "{db_path}" backup restore' in boxes[-1][1]
    assert not window.isEnabled() and window.replaced
    window.close()  # stores nothing: no error on the closed database
    shown.window = None  # (closed here, with its store)


def test_no_restore_while_a_worker_thread_job_runs(qtbot, store, db_path, shown, boxes):
    kept = backup.backup_now(store, "manual")
    store.set_cell(AUG, "音乐", "filed", 2)
    window = shown.open()
    dialog = open_backups(window)
    choose(dialog, kept.name)
    release, finished = threading.Event(), []
    background.run_in_background(lambda: release.wait(20), finished.append)
    try:
        dialog.restore_button.click()
    finally:
        release.set()
    assert boxes == [("warning", "现在不能恢复备份:正在后台读取、校验、导入或导出数据,请等它完成后再试。")]
    assert shown.window is window and store.load_grid(AUG)["音乐"]["filed"] == 2
    qtbot.waitUntil(lambda: bool(finished) and not background.busy())

    window.menus.exporting = True  # an export in progress says so
    try:
        dialog.restore_button.click()
    finally:
        window.menus.exporting = False
    assert boxes[-1] == ("warning", "现在不能恢复备份:正在导出签名数据包,请等导出完成后再试。")

    dialog.restore_button.click()  # once the work is done, it restores
    assert boxes[-1][0] == "information" and shown.window is not window
    shown.wait_started()
    assert music_filed(shown.window) is None


def test_the_program_closes_the_window_and_store_shown_last(qtbot, store, db_path, boxes,
                                                           monkeypatch):
    """gui/app.py: after a restore, the new window and its store are what is closed at the
    end, and the database lock is let go (the file can then be restored from outside)."""
    from PySide6.QtWidgets import QApplication

    from jianwang_desktop.gui import app as app_module
    from jianwang_desktop.gui.db_lock import acquire_db_lock

    kept = backup.backup_now(store, "manual")
    store.set_cell(AUG, "音乐", "filed", 2)
    store.close()
    seen = []

    def session(_app) -> int:  # the clerk restores, then quits
        window = next(w for w in QApplication.topLevelWidgets()
                      if isinstance(w, MainWindow) and w.isVisible())
        dialog = open_backups(window)
        choose(dialog, kept.name)
        dialog.restore_button.click()
        new = next(w for w in QApplication.topLevelWidgets()
                   if isinstance(w, MainWindow) and w.isVisible())
        seen.append((window, new))
        qtbot.waitUntil(lambda: not new.start_pending, timeout=20000)
        return 0

    monkeypatch.setattr(QApplication, "exec", session)
    assert app_module.run_gui(db_path) == 0
    (old, new), = seen
    assert old is not new and old.replaced and not new.isVisible()  # closed, deleted later
    assert backup.restore(db_path, kept.name)  # nothing has the file open any more
    acquire_db_lock(db_path).unlock()  # nor locked
    qtbot.wait(10)


def test_a_month_replaced_by_the_wrong_file_comes_back_from_its_import_backup(
        qtbot, store, db_path, shown, boxes, monkeypatch, tmp_path):
    """The clerk's story: August replaced by importing the wrong file, then restored."""
    import json

    from PySide6.QtWidgets import QFileDialog

    from jianwang_desktop.core.interchange import dump_month

    store.replace_month(sample_month(store.form))
    right = [c.name for c in store.load_cases(AUG)]
    wrong = json.loads(dump_month(store, AUG))
    wrong["cases"] = wrong["cases"][:1]
    wrong["statistics"]["音乐"]["filed"] = 99
    target = tmp_path / "错的文件.json"
    target.write_text(json.dumps(wrong, ensure_ascii=False), "utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    window = shown.open()
    window.menus.import_action.trigger()
    question = boxes[0][1]
    assert "替换前的数据会先自动备份(类型“导入替换2015年8月前”)" in question
    assert "工具 → 备份与恢复…" in question
    assert "不能恢复" not in question
    assert len(cases_shown(window)) == 1 and music_filed(window) == 99

    dialog = open_backups(window)
    newest = dialog.selected()
    # Which month it was taken for, in the list and in the question: one per replace.
    assert newest.reason == "import" and dialog.model.index(0, 1).data() == "导入替换2015年8月前"
    dialog.restore_button.click()
    assert "的备份(导入替换2015年8月前)替换当前数据库?" in boxes[-2][1]
    shown.wait_started()
    assert cases_shown(shown.window) == right and music_filed(shown.window) != 99


def test_the_new_window_takes_the_old_ones_place_maximized_or_not(qtbot, store, shown, boxes,
                                                                  monkeypatch):
    """Where the old window was, at its size: a maximized one (a 1024×600 netbook) is fitted
    to its place before being maximized, as at start (show_on_screen), since maximizing is
    the window manager's to do and one may not (a kiosk session without one)."""
    kept = backup.backup_now(store, "manual")
    window = shown.open()
    window.setGeometry(40, 30, 700, 500)
    placed = window.geometry()
    restore_from(shown, kept.name)
    assert shown.window.geometry() == placed and not shown.window.isMaximized()

    old = shown.window
    old.showMaximized()
    qtbot.waitUntil(old.isMaximized)
    fitted = old.geometry()
    # No window manager: showMaximized shows the window and leaves its size as it is.
    monkeypatch.setattr(MainWindow, "showMaximized", lambda self: self.show())
    monkeypatch.setattr(MainWindow, "isMaximized", lambda self: self is old)
    restore_from(shown, kept.name)
    assert shown.window is not old and shown.window.geometry() == fitted


def restore_from(shown: Shown, name: str) -> None:
    dialog = open_backups(shown.window)
    choose(dialog, name)
    dialog.restore_button.click()
    shown.wait_started()


def test_a_damaged_backup_is_refused_before_any_question(qtbot, store, db_path, shown, boxes,
                                                         tmp_path):
    """Nothing is asked about a copy that cannot be restored, and nothing untrue said of it:
    its exports could not be read, so it was said to predate every bundle exported."""
    store.replace_month(sample_month(store.form))
    kept = backup.backup_now(store, "manual")
    kept.path.write_bytes(b"not a database" * 100)
    out = tmp_path / "sent"
    out.mkdir()
    export_month(store, AUG, out)
    window = shown.open()
    before = dbcontent.full_dump(db_path)
    dialog = open_backups(window)
    choose(dialog, kept.name)
    dialog.restore_button.click()
    assert [kind for kind, _ in boxes] == ["warning"]
    assert f"备份 {kept.name} 已损坏或不是本程序的数据库,不能用来恢复。" in boxes[0][1]
    assert shown.window is window and dialog.isVisible()
    assert dbcontent.full_dump(db_path) == before


def test_the_question_names_bundles_received_since_the_backup(qtbot, store, db_path, shown,
                                                              boxes, tmp_path, monkeypatch):
    """At a 市(州)版权局 the departments' bundles imported after the backup are forgotten by
    restoring it (the 本市汇总 loses them): the question says which, to import again."""
    from bundle_fixture import write_test_bundle

    from jianwang_desktop.core.domain import Profile
    from jianwang_desktop.core.receiving import import_file
    from jianwang_desktop.gui import backup_dialog

    kept = backup.backup_now(store, "manual")
    police = Profile("绵阳市", "公安局", "绵阳市公安局", "李四", "13812345678")
    for period in (AUG, "2015-07"):
        (tmp_path / period).mkdir()
        import_file(store, write_test_bundle(tmp_path / period, store.form, police,
                                             sample_month(store.form, period)), trust_new=True)
    window = shown.open()
    dialog = open_backups(window)
    choose(dialog, kept.name)
    boxes.answer[0] = QMessageBox.StandardButton.No
    dialog.restore_button.click()
    assert [kind for kind, _ in boxes] == ["question"]
    assert ("这份备份之后,本机导入过收到的数据包:绵阳市公安局2015年7月第1版、绵阳市公安局2015年8月第1版。"
            "恢复后这些数据包不再有,需要重新导入。") in boxes[0][1]
    assert "导出过" not in boxes[0][1]
    # Many (a province receives hundreds): the first few named, and how many.
    monkeypatch.setattr(backup_dialog, "LISTED", 1)
    dialog.restore_button.click()
    assert "本机导入过收到的数据包:绵阳市公安局2015年7月第1版等 2 个。恢复后" in boxes[1][1]
    # Nothing received since a newer backup: nothing said.
    newer = backup.backup_now(store, "manual")
    dialog.refresh(select=newer.name)
    dialog.restore_button.click()
    assert "收到的数据包" not in boxes[2][1]


def test_the_question_names_the_trusted_keys_a_restore_would_change(qtbot, store, shown,
                                                                    boxes):
    """The trust list is in the database: restoring a backup taken before a lost PC's key was
    removed trusts it again, without a word, and drops the keys trusted since."""
    police, net = "0123456789abcdef", "fedcba9876543210"
    store.trust_key(police, "UE9MSUNF", "绵阳市公安局", region="绵阳市", department="公安局")
    kept = backup.backup_now(store, "manual")
    store.untrust_key(police)
    store.trust_key(net, "TkVU", "网信办(李四)", region="绵阳市", department="网信办")
    window = shown.open()
    dialog = open_backups(window)
    choose(dialog, kept.name)
    boxes.answer[0] = QMessageBox.StandardButton.No
    dialog.restore_button.click()
    text = boxes[-1][1]
    assert ("受信任的公钥也会回到备份时的样子:备份之后移除的绵阳市公安局(指纹 0123 4567 89ab cdef)"
            "会重新受信任;备份之后加入的绵阳市网信办(备注:网信办(李四))(指纹 fedc ba98 7654 3210)"
            "不再受信任。") in text
    newer = backup.backup_now(store, "manual")  # nothing changed since: nothing said
    dialog.refresh(select=newer.name)
    dialog.restore_button.click()
    assert "受信任的公钥" not in boxes[-1][1]


def test_no_restore_while_the_import_bundles_window_is_open(qtbot, store, shown, boxes):
    """导入数据包 is a window of its own beside the main one, left open while bundles come in:
    a restore closed it with the old window, its log of what was imported with it."""
    kept = backup.backup_now(store, "manual")
    window = shown.open()
    window.menus.import_bundles()
    imports = window.menus.import_dialog
    imports.log.appendPlainText("已导入:绵阳市公安局 2015年8月 第1版")
    assert imports.isVisible()
    dialog = open_backups(window)
    choose(dialog, kept.name)
    dialog.restore_button.click()
    assert boxes == [("warning", "现在不能恢复备份:“导入数据包”窗口还开着,请先关闭它再恢复。")]
    assert shown.window is window and imports.isVisible() and dialog.isVisible()

    imports.close()
    dialog.restore_button.click()
    assert boxes[-1][0] == "information" and shown.window is not window
    shown.wait_started()
