"""The main window's menus: export, 更正, print, PDF, data files, driven as a clerk does."""

from __future__ import annotations

import json
import subprocess
import threading
from pathlib import Path

import pytest
from PySide6 import QtWidgets
from PySide6.QtCore import QThread, QTimer, Qt
from PySide6.QtWidgets import (QApplication, QDialogButtonBox, QFileDialog, QInputDialog,
                               QMessageBox, QPushButton)

from jianwang_desktop.core.interchange import dump_month
from jianwang_desktop.core.signing import create_key
from jianwang_desktop.core.verify import verify_file
from jianwang_desktop.gui import menus as menus_module
from jianwang_desktop.gui.background import run_with_progress
from jianwang_desktop.gui.correction_dialog import CorrectionDialog
from jianwang_desktop.gui.export_result import ExportResultDialog
from gui_helpers import cell_text, open_main, type_into_cell, type_text  # noqa: F401
from sample_data import sample_month

AUGUST_ROW = 1  # 2015-08 in the month list


@pytest.fixture
def filled(store):
    store.replace_month(sample_month(store.form))
    return store


class PickedFolder(type(Path())):
    asked: list[str]


@pytest.fixture
def out_dir(tmp_path, monkeypatch):
    """The folder the clerk picks in the folder dialog; `asked` lists where the dialog began."""
    folder = PickedFolder(tmp_path / "out")
    folder.mkdir()
    folder.asked = []

    def pick(*args, **kwargs):
        folder.asked.append(args[2] if len(args) > 2 else "")
        return str(folder)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(pick))
    return folder


def export_from_menu(qtbot, window) -> ExportResultDialog:
    window.menus.dialog = None  # wait for this export's result, not an earlier one
    window.menus.export_action.trigger()
    qtbot.waitUntil(lambda: isinstance(window.menus.dialog, ExportResultDialog), timeout=20000)
    return window.menus.dialog


def editable(window, row=0, column=0) -> bool:
    model = window.statistics_model
    return bool(model.flags(model.index(row, column)) & Qt.ItemFlag.ItemIsEditable)


def test_progress_reports_reach_the_ui_thread_in_order(qtbot):
    seen, results = [], []
    ui_thread = QThread.currentThread()

    def work(report):
        worker = threading.get_ident()
        for i in range(1, 6):
            report(i, 5, f"第{i}步")
        return worker

    run_with_progress(work, lambda i, n, text: seen.append(
        (i, n, text, QThread.currentThread() == ui_thread)), results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=5000)
    assert results[0] != threading.get_ident()  # the work really ran elsewhere
    assert seen == [(i, 5, f"第{i}步", True) for i in range(1, 6)]


def test_export_from_the_menu_locks_the_month_and_a_correction_makes_revision_2(
        qtbot, filled, open_main, out_dir, monkeypatch):
    window = open_main()
    assert editable(window)
    dialog = export_from_menu(qtbot, window)

    bundle = out_dir / "绵阳市-版权局-2015-08-第1版.zip"
    assert bundle.is_file() and verify_file(bundle).ok
    assert str(bundle) in dialog.findChild(type(dialog.ui), "ExportResult").findChild(
        type(window.lock_label), "fileValue").text()
    record = filled.exports("2015-08")[0]
    texts = " ".join(label.text() for label in dialog.findChildren(type(window.lock_label)))
    assert "第1版" in texts and record.manifest_sha256[:4] in texts
    assert record.fingerprint[:4] in texts
    assert filled.setting(menus_module.EXPORT_DIR_SETTING) == str(out_dir)  # remembered

    # The month now reads 已导出, the grid and the register are read-only, the banner says so.
    assert "已导出" in window.month_model.index(AUGUST_ROW).data()
    assert not editable(window) and not window.add_case_button.isEnabled()
    assert window.lock_banner.isVisible() and "第1版" in window.lock_label.text()
    window.tabs.setCurrentWidget(window.statistics_page)
    window.statistics_view.setCurrentIndex(window.statistics_model.index(0, 0))
    qtbot.keyClicks(window.statistics_view, "7")
    assert window.statistics_view.indexWidget(window.statistics_view.currentIndex()) is None
    assert filled.load_grid("2015-08")["文学"]["filed"] != 7
    dialog.findChild(QPushButton, "closeButton").click()

    # 更正: the reason is required, in Chinese; then the month can be edited again.
    window.correct_button.click()
    correction = window.menus.dialog
    assert isinstance(correction, CorrectionDialog)
    assert correction.model.rowCount() == 1 and "第1版" in correction.model.index(0, 0).data()
    ok = correction.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    assert correction.isVisible() and "请填写更正原因" in correction.problem.text()
    assert filled.is_locked("2015-08")
    type_text(qtbot, correction.reason, "补录漏报的影视类案件")
    ok.click()
    assert not correction.isVisible()
    assert not filled.is_locked("2015-08")
    # Under 更正 the month does not look as if never exported: the list and banner say so.
    assert window.lock_banner.isVisible() and not window.correct_button.isVisible()
    assert window.lock_label.text() == "更正中(原因:补录漏报的影视类案件)· 改好后请导出第2版"
    august = window.month_model.index(window.month_model.row_of("2015-08"))
    assert "【更正中】" in august.data() and "第2版" in august.data(Qt.ItemDataRole.ToolTipRole)
    assert editable(window) and window.add_case_button.isEnabled()
    type_into_cell(qtbot, window, 0, 0, "5")
    assert filled.load_grid("2015-08")["文学"]["filed"] == 5

    # A second 更正 while one is open is refused in the message bar, not with a traceback.
    window.menus.correct_action.trigger()
    assert "已在更正中" in window.message_label.text()

    second = export_from_menu(qtbot, window)
    assert second.result.revision == 2
    revision2 = out_dir / "绵阳市-版权局-2015-08-第2版.zip"
    assert revision2.is_file() and verify_file(revision2).ok
    assert [r.reason for r in filled.exports("2015-08")] == [None, "补录漏报的影视类案件"]
    assert not editable(window) and "第2版" in window.lock_label.text()
    assert out_dir.asked[-1] == str(out_dir)  # the second export started in the same folder
    second.close()


def test_export_is_refused_with_the_findings_while_the_month_has_errors(
        qtbot, store, open_main, out_dir):
    store.set_cell("2015-08", "文学", "filed", 1)  # the other 41 cells are blank: errors
    window = open_main()
    window.menus.export_action.trigger()
    assert "不能导出" in window.message_label.text()
    assert window.tabs.currentWidget() is window.findings_page
    assert out_dir.asked == [] and not list(out_dir.iterdir())
    assert not store.is_locked("2015-08")


def test_export_and_import_ask_first_about_text_the_store_refused(
        qtbot, filled, open_main, out_dir, tmp_path, monkeypatch):
    """A 案情简介 pasted too long is only in the case pane: a bundle exported now would go
    without it and lock the month, an import would replace the month under it. Both ask
    first; going back starts neither, the text still in its field."""
    from jianwang_desktop.gui.main_window import MainWindow

    asked, answers = [], [False, False, True]
    monkeypatch.setattr(MainWindow, "ask_to_drop_unsaved",
                        lambda self, text: asked.append(text) or answers.pop(0))
    target = tmp_path / "九月.json"
    target.write_text(json.dumps(dict(json.loads(dump_month(filled, "2015-08")),
                                      period="2015-09"), ensure_ascii=False), "utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    window = open_main()
    window.select_case(filled.load_cases("2015-08")[1].id)
    summary = window.case_editor.fields["summary"]
    summary.setPlainText("案情" * 2600)
    window.menus.export_action.trigger()
    assert len(asked) == 1 and "导出" in asked[0] and "案情简介" in asked[0]
    assert out_dir.asked == [] and not filled.is_locked("2015-08")
    window.menus.import_action.trigger()
    assert len(asked) == 2 and "导入" in asked[1] and not filled.has_data("2015-09")
    assert window.period == "2015-08" and summary.toPlainText() == "案情" * 2600
    assert summary.hasFocus()
    export_from_menu(qtbot, window)  # let go: exported as stored
    assert len(asked) == 3 and filled.is_locked("2015-08")


def test_correcting_a_month_never_exported_is_explained(qtbot, filled, open_main):
    window = open_main()
    window.menus.correct_action.trigger()
    assert "还没有导出过" in window.message_label.text()
    assert window.menus.dialog is None


def test_a_key_with_a_passphrase_is_asked_for_and_a_wrong_one_is_refused(
        qtbot, filled, open_main, out_dir, monkeypatch):
    create_key(filled.path, "暗号-2015")
    answers = [("wrong", True), ("暗号-2015", True)]
    prompts = []

    def ask(parent, title, label, echo=None, *rest, **kwargs):
        prompts.append(echo)
        return answers.pop(0)

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(ask))
    window = open_main()
    window.menus.export_action.trigger()
    qtbot.waitUntil(lambda: not window.menus.exporting, timeout=20000)
    assert "口令不对" in window.message_label.text() and "Traceback" not in window.message_label.text()
    assert not filled.is_locked("2015-08")
    export_from_menu(qtbot, window).close()
    assert prompts == [menus_module.QLineEdit.EchoMode.Password] * 2
    assert filled.is_locked("2015-08")


def test_no_passphrase_prompt_for_a_key_without_one(qtbot, filled, open_main, out_dir,
                                                     monkeypatch):
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(
        lambda *a, **k: pytest.fail("asked for a passphrase the key does not have")))
    window = open_main()
    export_from_menu(qtbot, window).close()


def close_preview_when_painted(found: list) -> None:
    """Poll for the modal print preview; once it has pages, note them and close it."""
    from PySide6.QtPrintSupport import QPrintPreviewDialog, QPrintPreviewWidget

    dialog = QApplication.activeModalWidget()
    if isinstance(dialog, QPrintPreviewDialog):
        preview = dialog.findChild(QPrintPreviewWidget)
        if preview is not None and preview.pageCount() > 0:
            found.append((dialog.windowTitle(), preview.pageCount(),
                          preview.orientation()))
            dialog.reject()
            return
    QTimer.singleShot(50, lambda: close_preview_when_painted(found))


def test_print_preview_asks_which_form_and_opens(qtbot, filled, open_main, monkeypatch):
    from PySide6.QtGui import QPageLayout

    asked = []

    def choose(parent, title, label, items, *rest, **kwargs):
        asked.append(items)
        return items[1], True

    monkeypatch.setattr(QInputDialog, "getItem", staticmethod(choose))
    window = open_main()
    found = []
    QTimer.singleShot(0, lambda: close_preview_when_painted(found))
    window.menus.preview_action.trigger()
    assert len(asked[0]) == 2 and asked[0][0].startswith("附件1") and asked[0][1].startswith("附件2")
    title, pages, orientation = found[0]
    assert "附件2" in title and pages >= 1
    assert orientation == QPageLayout.Orientation.Landscape


def test_pdf_export_writes_both_forms(qtbot, filled, open_main, tmp_path, monkeypatch):
    target = tmp_path / "报表.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    window = open_main()
    window.menus.pdf_action.trigger()
    assert target.is_file()
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")
    assert "工作情况统计表" in text and "查处案件信息表" in text
    assert "草稿" in text  # not exported yet
    assert "PDF" in window.statusBar().currentMessage()


def test_data_file_round_trip_through_the_file_menu(qtbot, filled, open_main, tmp_path,
                                                    monkeypatch):
    target = tmp_path / "八月.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    window = open_main()
    window.menus.dump_action.trigger()
    data = json.loads(target.read_text("utf-8"))
    assert data["period"] == "2015-08" and len(data["cases"]) == 3

    data["period"] = "2015-09"  # import it as September, which has no data yet
    target.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    window.menus.import_action.trigger()
    assert window.period == "2015-09" and window.case_model.rowCount() == 3
    assert filled.load_month("2015-09").statistics == filled.load_month("2015-08").statistics

    # Importing over a month with data asks first; No leaves it as it was.
    data["statistics"]["文学"]["filed"] = 99
    target.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.No))
    window.menus.import_action.trigger()
    assert filled.load_grid("2015-09")["文学"]["filed"] != 99
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    window.menus.import_action.trigger()
    assert filled.load_grid("2015-09")["文学"]["filed"] == 99
    assert cell_text(window, 0, 0) == "99"

    target.write_text("{不是 JSON", "utf-8")
    window.menus.import_action.trigger()
    assert "JSON" in window.message_label.text() and "Traceback" not in window.message_label.text()


def test_menus_name_every_command_with_shortcuts(qtbot, store, open_main):
    window = open_main()
    titles = [a.text() for a in window.menuBar().actions()]
    # A 市(州)版权局 (the fixture's office) also sums its departments: 汇总.
    assert [t.split("(")[0] for t in titles] == ["文件", "报表", "汇总", "工具", "帮助"]
    entries = {a.text() for m in window.menuBar().actions() for a in m.menu().actions()}
    assert {"导入数据文件…", "导出数据文件…", "退出", "校验", "导出签名数据包…", "更正…", "打印预览…",
            "导出 PDF…", "生成邮件草稿…", "验证数据包…", "受信任的公钥…", "本机签名公钥…", "电子印章…",
            "设置…", "关于", "使用说明"} <= entries
    menus = window.menus
    for action in (menus.import_action, menus.export_action, menus.preview_action,
                   menus.pdf_action, menus.mail_action, menus.verify_action, menus.help_action):
        assert not action.shortcut().isEmpty(), action.text()
    shortcuts = [a.shortcut().toString() for a in window.findChildren(type(menus.import_action))
                 if not a.shortcut().isEmpty()]
    assert len(shortcuts) == len(set(shortcuts)), shortcuts  # no key does two things
    assert menus.import_action.toolTip() == "导入数据文件(Ctrl+O)"  # a tip names the key
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"


class RecordingProgress(QtWidgets.QProgressDialog):
    """The real progress dialog, noting each step it is shown."""

    steps: list = []

    def setValue(self, value):
        RecordingProgress.steps.append((value, self.maximum(), self.labelText()))
        super().setValue(value)


def test_export_shows_progress_and_its_result_leads_on(qtbot, filled, open_main, out_dir,
                                                       monkeypatch):
    from jianwang_desktop.gui.mail_dialog import MailDialog

    RecordingProgress.steps = []
    # (menus imports the dialog class when an export starts, from PySide6.QtWidgets)
    monkeypatch.setattr(QtWidgets, "QProgressDialog", RecordingProgress)
    opened = []
    window = open_main()
    window.menus.opener = lambda url: opened.append(url.toLocalFile()) or True
    dialog = export_from_menu(qtbot, window)
    steps = RecordingProgress.steps
    assert len(steps) >= 3 and steps[-1][0] == steps[-1][1]  # ran to the last step
    assert [s[0] for s in steps] == sorted(s[0] for s in steps)
    assert all(text for _v, _m, text in steps)
    assert window.menus.progress is None and window.work_pane.isEnabled()
    assert not window.editor_host.isEnabled()  # the register is read-only too

    dialog.findChild(QPushButton, "openFolderButton").click()
    assert opened == [str(out_dir)]
    dialog.findChild(QPushButton, "mailButton").click()
    mail = window.menus.dialog
    assert isinstance(mail, MailDialog) and mail.isVisible()
    assert mail.bundle_edit.text().endswith("第1版.zip")
    mail.close()


def test_enter_closes_the_export_result_without_opening_the_folder(qtbot, tmp_path):
    from pathlib import Path

    from jianwang_desktop.core.bundle import ExportResult

    opened, led_on = [], []
    result = ExportResult(Path(tmp_path) / "绵阳市-版权局-2015-08-第1版.zip", 1, "ab" * 16, False)
    dialog = ExportResultDialog(result, None, "2015年8月", lambda url: opened.append(url) or True,
                                lambda: led_on.append("mail"), lambda: led_on.append("print"))
    qtbot.addWidget(dialog)
    accepted = []
    dialog.accepted.connect(lambda: accepted.append(True))
    dialog.show()
    assert dialog.focusWidget() is dialog.findChild(QPushButton, "closeButton")
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Return)
    assert accepted == [True] and not dialog.isVisible()
    assert opened == [] and led_on == []


def test_help_and_about(qtbot, store, open_main, monkeypatch):
    from PySide6.QtWidgets import QTextBrowser

    shown = []
    monkeypatch.setattr(QMessageBox, "about", staticmethod(lambda parent, title, text:
                                                           shown.append((title, text))))
    window = open_main()
    window.menus.about_action.trigger()
    assert "剑网填报" in shown[0][0] and store.form.notice in shown[0][1]
    window.menus.help_action.trigger()
    text = window.menus.dialog.findChild(QTextBrowser).toPlainText()
    assert "导出签名数据包" in text and "更正" in text and "验证数据包" in text
    window.menus.dialog.close()


def test_closing_is_refused_while_an_export_runs(qtbot, filled, open_main, out_dir):
    window = open_main()
    window.menus.export_action.trigger()
    assert window.menus.exporting  # its result arrives through the event loop, not yet run
    assert not window.close() and window.isVisible()
    assert "正在导出" in window.message_label.text()
    qtbot.waitUntil(lambda: isinstance(window.menus.dialog, ExportResultDialog), timeout=20000)
    window.menus.dialog.close()


def test_history_menu_lists_revisions_and_each_change(qtbot, filled, open_main, tmp_path):
    from jianwang_desktop.core.bundle import export_month
    from jianwang_desktop.gui.audit_dialog import AuditDialog

    export_month(filled, "2015-08", tmp_path)
    filled.start_correction("2015-08", "文学罚款金额填错")
    filled.set_cell("2015-08", "文学", "fine", "0.8")
    window = open_main()
    window.menus.history_action.trigger()
    dialog = window.menus.dialog
    assert isinstance(dialog, AuditDialog)
    texts = [dialog.model.index(r, c).data() for r in range(dialog.model.rowCount())
             for c in range(dialog.model.columnCount())]
    assert any("0.8" in (t or "") for t in texts)
    assert any("文学罚款金额填错" in (t or "") for t in texts) or \
        "文学罚款金额填错" in dialog.versions.text()
    dialog.close()
