"""The main window's menu bar and toolbar, and what each of their commands does.

Everything the core can do is here: import/export of data files, checking, the signed
bundle with its 更正, printing and PDF, e-mail drafts, verifying received bundles, keys
and the seal. A refusal of the core (UserError) is shown in the window's message bar.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QDesktopServices
from PySide6.QtWidgets import QLineEdit, QToolBar

from .. import APP_DISPLAY_NAME, __version__
from ..core.errors import UserError, os_reason
from ..core.store import Store

if TYPE_CHECKING:
    from PySide6.QtCore import QUrl
    from PySide6.QtWidgets import QProgressDialog

    from .main_window import MainWindow

EXPORT_DIR_SETTING = "last_export_dir"  # the folder the last bundle went to
DATA_DIR_SETTING = "last_data_dir"  # the folder of the last imported / exported data file
BUNDLE_DIR_SETTING = "last_bundle_dir"  # the folder bundles were last imported from


def shows_refusals(method: Callable) -> Callable:
    """A command whose UserError goes to the message bar instead of up as a traceback."""

    @functools.wraps(method)
    def run(self: "MainMenus", *args):
        try:
            return method(self)
        except UserError as e:
            self.window.show_message(str(e))
            return None

    return run


def export_in_worker(db_path: Path, period: str, folder: str, passphrase: str | None,
                     report: Callable[[int, int, str], None]):
    """The export on a worker thread, through a connection of its own."""
    from ..core.bundle import export_month

    with Store(db_path) as store:
        return export_month(store, period, folder, passphrase=passphrase, progress=report)


def new_action(text: str, parent: QObject) -> QAction:
    """QAction(text, parent) would have PySide weigh the constructor taking an icon first,
    creating the Python types of QIcon's 151 theme icons (about 2 ms before the first
    paint); made from its parent, then named, it does not."""
    action = QAction(parent)
    action.setText(text)
    return action


def give_shortcuts(shortcuts: list[tuple[QAction, str]]) -> None:
    """Keyboard shortcuts, each a key sequence's text ("Ctrl+O") or a standard key
    ("StandardKey.Undo"); a tip then names its action's key. The window gives them once it
    has painted (no key reaches it before): the first QKeySequence creates the Python types
    of its enums, about 1 ms before the first paint otherwise."""
    from PySide6.QtGui import QKeySequence

    for action, shortcut in shortcuts:
        standard = shortcut.removeprefix("StandardKey.")
        action.setShortcut(QKeySequence(getattr(QKeySequence.StandardKey, standard)
                                        if standard != shortcut else shortcut))
        if action.statusTip():
            action.setToolTip(f"{action.text().rstrip('…')}({action.shortcut().toString()})")


class MainMenus(QObject):
    """Builds the 文件 / 报表 / 工具 / 帮助 menus and the toolbar of a MainWindow."""

    def __init__(self, window: "MainWindow", opener: Callable[[QUrl], bool] | None = None):
        super().__init__(window)
        self.window = window
        self.opener = opener or QDesktopServices.openUrl
        self.exporting = False
        self.progress: QProgressDialog | None = None
        self.dialog = None  # the dialog last opened from a menu (tests and screenshots use it)
        self.import_dialog = None  # one ImportDialog per window, reused
        self._build()

    @property
    def store(self) -> Store:
        return self.window.store

    @property
    def period(self) -> str:
        return self.window.period

    def month_label(self) -> str:
        return self.store.form.month(self.period).label

    # ------------------------------------------------------------ construction

    def _action(self, text: str, slot, shortcut=None, tip: str = "") -> QAction:
        """`shortcut` as give_shortcuts takes it, given with the others by
        `install_shortcuts`."""
        action = new_action(text, self.window)
        if shortcut is not None:
            self._shortcuts.append((action, shortcut))
        if tip:
            action.setStatusTip(tip)
            action.setToolTip(text)
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def install_shortcuts(self) -> None:
        """The menus' keyboard shortcuts, given once the window has painted (give_shortcuts)."""
        give_shortcuts(self._shortcuts)
        self._shortcuts = []

    def _build(self) -> None:
        self._shortcuts: list[tuple[QAction, str]] = []
        tr = self.tr
        a = self._action
        self.import_action = a(tr("导入数据文件…"), self.import_file, "Ctrl+O",
                               tr("从 jianwang-data/1 格式的 JSON 文件导入一个月的数据"))
        self.dump_action = a(tr("导出数据文件…"), self.dump_file, "Ctrl+Shift+S",
                             tr("把本月数据写成 JSON 数据文件(不签名、不锁定)"))
        self.quit_action = a(tr("退出"), self.window.close, "Ctrl+Q")
        self.check_action = a(tr("校验"), self.check, "F5", tr("校验本月数据并列出所有问题"))
        self.export_action = a(tr("导出签名数据包…"), self.export_bundle, "Ctrl+E",
                               tr("校验通过后导出签名数据包,导出后本月锁定"))
        self.correct_action = a(tr("更正…"), self.correct, None,
                                tr("写明原因后重新打开已导出的月份,以便导出下一版"))
        self.history_action = a(tr("更正记录…"), self.history, None,
                                tr("本月各版的导出时间、指纹、更正原因和每一处修改"))
        self.preview_action = a(tr("打印预览…"), self.print_preview, "Ctrl+P",
                                tr("预览并打印附件1 或附件2"))
        self.pdf_action = a(tr("导出 PDF…"), self.export_pdf, "Ctrl+Shift+P",
                            tr("把附件1 和附件2 写成一个 PDF 文件"))
        self.mail_action = a(tr("生成邮件草稿…"), self.mail, "Ctrl+M",
                             tr("为已导出的月份生成发给各收件单位的邮件草稿"))
        self.verify_action = a(tr("验证数据包…"), self.verify, "Ctrl+Shift+V",
                               tr("检查收到的数据包是否完整、未被改动、签名有效"))
        self.import_bundles_action = a(
            tr("导入数据包…"), self.import_bundles, "Ctrl+I",
            tr("导入收到的签名数据包(也可以把 .zip 文件拖到窗口上);先验证,未通过的不导入"))
        self.city_action = a(tr("本市汇总"), lambda: self.window.show_page("city"), None,
                             tr("本单位与公安局、网信办数据的合计,以及哪个部门尚未报送"))
        self.status_action = a(tr("报送情况"), lambda: self.window.show_page("status"), None,
                               tr("各市(州)每月按时、逾期、未报的情况"))
        self.totals_action = a(tr("全省合计"), lambda: self.window.show_page("totals"), None,
                               tr("全省各月及专项行动累计的附件1 合计"))
        self.summary_export_action = a(
            tr("导出全省汇总表…"), self.export_summary, None,
            tr("把专项行动累计、各月合计和报送情况写成一个 Excel 文件"))
        self.register_action = a(tr("案件汇总"), lambda: self.window.show_page("register"),
                                 None, tr("各地报送的全部案件,可按市(州)、月份、类别、来源筛选"))
        self.trusted_action = a(tr("受信任的公钥…"), self.trusted_keys)
        self.own_key_action = a(tr("本机签名公钥…"), self.own_key)
        self.seal_action = a(tr("电子印章…"), self.seal)
        self.backup_action = a(tr("备份与恢复…"), self.backups, None,
                               tr("查看和立即备份数据库,或把全部数据恢复到某一份备份时的样子"))
        self.settings_action = a(tr("设置…"), self.window.open_settings, "Ctrl+,")
        self.about_action = a(tr("关于"), self.about)
        self.help_action = a(tr("使用说明"), self.help, "StandardKey.HelpContents")

        bar = self.window.menuBar()
        self.menus = {}
        for title, actions in (
            (tr("文件(&F)"), [self.import_action, self.dump_action, None, self.quit_action]),
            (tr("报表(&R)"), [self.check_action, None, self.export_action, self.correct_action,
                             self.history_action, None, self.preview_action, self.pdf_action, None, self.mail_action]),
            (tr("汇总(&S)"), [self.import_bundles_action, None, self.city_action,
                             self.status_action, self.totals_action, self.register_action, None,
                             self.summary_export_action]),
            (tr("工具(&T)"), [self.verify_action, self.trusted_action, self.own_key_action,
                             None, self.seal_action, self.backup_action, self.settings_action]),
            (tr("帮助(&H)"), [self.help_action, self.about_action]),
        ):
            menu = bar.addMenu(title)
            self.menus[title] = menu
            for action in actions:
                if action is None:
                    menu.addSeparator()
                else:
                    menu.addAction(action)

        toolbar = QToolBar(tr("常用"), self.window)
        toolbar.setObjectName("mainToolBar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.import_action, self.check_action, self.export_action,
                       self.correct_action, self.preview_action, self.mail_action,
                       self.import_bundles_action, self.summary_export_action,
                       self.verify_action):
            toolbar.addAction(action)
        self.window.addToolBar(toolbar)
        self.toolbar = toolbar

    def apply_role(self, role: str) -> None:
        """Show what the office does: only a receiving office imports bundles; the province
        has no month of its own to fill in, so the 本月 commands give way to its pages."""
        from ..core.roles import CITY_ROLE, OFFICE_ROLE, PROVINCE_ROLE

        monthly = role != PROVINCE_ROLE
        for action in (self.import_action, self.dump_action, self.check_action,
                       self.export_action, self.correct_action, self.preview_action,
                       self.pdf_action, self.mail_action):
            self._show(action, monthly)
        self._show(self.import_bundles_action, role != OFFICE_ROLE)
        self._show(self.city_action, role == CITY_ROLE)
        for action in (self.status_action, self.totals_action, self.register_action,
                       self.summary_export_action):
            self._show(action, role == PROVINCE_ROLE)
        menus = list(self.menus.values())
        menus[1].menuAction().setVisible(monthly)  # 报表
        menus[2].menuAction().setVisible(role != OFFICE_ROLE)  # 汇总

    @staticmethod
    def _show(action: QAction, shown: bool) -> None:
        action.setVisible(shown)
        action.setEnabled(shown)  # a hidden action's shortcut must not fire either

    # ------------------------------------------------------------ helpers

    def _folder_setting(self, key: str) -> str:
        from PySide6.QtCore import QStandardPaths

        folder = self.store.setting(key) or ""
        if folder and Path(folder).is_dir():
            return folder
        return QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())

    def _open(self, dialog) -> None:
        """Show a dialog without blocking; it is deleted when closed."""
        self.dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def ready(self) -> bool:
        """False (with a message) while a month is read, checked or exported in the background."""
        if self.window.loading or self.window.checking or self.exporting:
            self.window.show_message(self.tr("正在处理本月数据,请稍候再试。"))
            return False
        self.window.case_editor.flush()  # a case field still being typed counts too
        return True

    # ------------------------------------------------------------ 文件

    @shows_refusals
    def import_file(self) -> None:
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        from ..core.backup import reason_label
        from ..core.interchange import load_into_store, month_from_dict, parse_json

        if not self.ready() or self.window.refused_edits_kept(
                self.tr("导入数据文件后就没有了。")):
            return
        path, _ = QFileDialog.getOpenFileName(
            self.window, self.tr("导入数据文件"), self._folder_setting(DATA_DIR_SETTING),
            self.tr("剑网填报数据文件 (*.json);;所有文件 (*)"))
        if not path:
            return
        try:
            raw = Path(path).read_bytes()
        except OSError as e:
            raise UserError(self.tr("无法读取文件 {path}:{reason}").format(
                path=path, reason=os_reason(e))) from None
        _form, _header, month = month_from_dict(parse_json(raw))
        period = month.period
        label = self.store.form.month(period).label
        if self.store.has_data(period) and not self.store.is_locked(period):
            answer = QMessageBox.question(
                self.window, self.tr("导入数据文件"),
                self.tr("{month}已有数据。用文件中的数据整月替换吗?\n\n替换前的数据会先自动备份"
                        "(类型“{kind}”),需要时可用“工具 → 备份与恢复…”恢复。").format(
                    month=label, kind=reason_label("import", period)),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return
        load_into_store(self.store, raw, replace=True)
        self.store.set_setting(DATA_DIR_SETTING, str(Path(path).parent))
        self.window.reload_month(period)
        self.window.statusBar().showMessage(
            self.tr("已导入{month}的数据:案件 {n} 条。").format(month=label, n=len(month.cases)),
            10000)

    @shows_refusals
    def dump_file(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from ..core.interchange import dump_month

        if not self.ready():
            return
        profile = self.store.profile()
        name = f"{profile.unit if profile else 'jianwang'}-{self.period}.json"
        path, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("导出数据文件"),
            str(Path(self._folder_setting(DATA_DIR_SETTING)) / name),
            self.tr("剑网填报数据文件 (*.json)"))
        if not path:
            return
        text = dump_month(self.store, self.period)
        try:
            Path(path).write_text(text, encoding="utf-8", newline="\n")
        except OSError as e:
            raise UserError(self.tr("无法写入 {path}:{reason}").format(
                path=path, reason=os_reason(e))) from None
        self.store.set_setting(DATA_DIR_SETTING, str(Path(path).parent))
        self.window.statusBar().showMessage(self.tr("已写出 {path}").format(path=path), 10000)

    # ------------------------------------------------------------ 报表

    def check(self) -> None:
        self.window.check_now()
        self.window.tabs.setCurrentWidget(self.window.findings_page)

    @shows_refusals
    def export_bundle(self) -> None:
        from PySide6.QtWidgets import QFileDialog, QInputDialog

        from ..core.signing import needs_passphrase

        if not self.ready() or self.window.refused_edits_kept(
                self.tr("导出的数据包里没有;导出后本月锁定,它们就没有了。")):
            return
        window = self.window
        period = self.period
        if not self.store.is_locked(period):
            window.check_now()
            errors, _warnings = window.findings_model.counts()
            if errors:
                window.tabs.setCurrentWidget(window.findings_page)
                window.show_message(self.tr(
                    "{month}还有 {n} 个错误,不能导出。请按“校验与核对”页列出的问题逐条改正后再导出"
                    "(点击一条可跳到对应的单元格或案件)。").format(month=self.month_label(), n=errors))
                return
        folder = QFileDialog.getExistingDirectory(
            window, self.tr("选择保存签名数据包的文件夹"), self._folder_setting(EXPORT_DIR_SETTING))
        if not folder:
            return
        self.store.set_setting(EXPORT_DIR_SETTING, folder)
        passphrase = None
        if needs_passphrase(self.store.path):
            passphrase, ok = QInputDialog.getText(
                window, self.tr("签名密钥口令"), self.tr("请输入签名密钥的口令:"),
                QLineEdit.EchoMode.Password)
            if not ok:
                return
        self.start_export(period, folder, passphrase)

    def start_export(self, period: str, folder: str, passphrase: str | None) -> None:
        from .background import run_with_progress

        window = self.window
        self.exporting = True
        window.work_pane.setEnabled(False)  # nothing changes under the export
        from PySide6.QtWidgets import QProgressDialog  # (QDialog's types: not at start)

        progress = QProgressDialog(self.tr("正在导出{month}……").format(month=self.month_label()),
                                   "", 0, 0, window)
        progress.setWindowTitle(self.tr("导出签名数据包"))
        progress.setCancelButton(None)  # a half-signed bundle is worth nothing: no cancel
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.show()
        self.progress = progress

        def report(step: int, total: int, text: str) -> None:
            progress.setMaximum(total)
            progress.setValue(step)
            progress.setLabelText(text)

        def finished() -> None:
            self.exporting = False
            window.work_pane.setEnabled(True)
            progress.close()
            progress.deleteLater()
            self.progress = None

        def done(result) -> None:
            finished()
            self.exported(period, result)

        def failed(text: str) -> None:
            finished()
            window.show_message(self.tr("未能导出:") + text)

        path = self.store.path
        run_with_progress(lambda r: export_in_worker(path, period, folder, passphrase, r),
                          report, done, failed)

    def exported(self, period: str, result) -> None:
        from .export_result import ExportResultDialog

        self.window.reload_month(period)
        records = self.store.exports(period)
        record = next((r for r in records if r.revision == result.revision), None)
        self._open(ExportResultDialog(result, record, self.store.form.month(period).label,
                                      self.opener, self.mail, self.print_preview, self.window))

    @shows_refusals
    def correct(self) -> None:
        from .correction_dialog import CorrectionDialog

        if not self.ready():
            return
        state = self.store.export_state(self.period)
        label = self.month_label()
        if state.exported == 0:
            raise UserError(self.tr("{month}还没有导出过,直接修改即可,不需要更正。").format(month=label))
        if not state.locked:
            raise UserError(self.tr("{month}已在更正中(改好后导出第{n}版),原因:{reason}").format(
                month=label, n=state.next_revision, reason=state.correction_reason))
        dialog = CorrectionDialog(self.store, self.period, self.window)
        period = self.period
        dialog.accepted.connect(lambda: self.corrected(period))
        self._open(dialog)

    def corrected(self, period: str) -> None:
        self.window.reload_month(period)
        state = self.store.export_state(period)
        self.window.statusBar().showMessage(
            self.tr("已开启更正,可以修改数据;改好后再导出即为第{n}版。").format(n=state.next_revision),
            10000)

    def _choose_form(self, title: str) -> int | None:
        from PySide6.QtWidgets import QInputDialog

        form = self.store.form
        items = [f"{form.statistics_form.attachment} {form.statistics_form.title}",
                 f"{form.cases_form.attachment} {form.cases_form.title}"]
        choice, ok = QInputDialog.getItem(
            self.window, title, self.tr("选择要打印的表(附件1 纵向、附件2 横向,需分别打印):"),
            items, 0, False)
        if not ok:
            return None
        return items.index(choice) + 1

    @shows_refusals
    def print_preview(self) -> None:
        from .printing import show_print_preview, stamp_for

        if not self.ready():
            return
        form_no = self._choose_form(self.tr("打印预览"))
        if form_no is None:
            return
        show_print_preview(self.window, self.store, self.period, form_no,
                           stamp_for(self.store, self.period))

    @shows_refusals
    def export_pdf(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        from .printing import print_source, stamp_for, write_pdf

        if not self.ready():
            return
        profile = self.store.profile()
        name = self.tr("{unit}-{month}-附件1和附件2.pdf").format(
            unit=profile.unit if profile else "", month=self.month_label())
        path, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("导出 PDF"),
            str(Path(self._folder_setting(EXPORT_DIR_SETTING)) / name), self.tr("PDF 文件 (*.pdf)"))
        if not path:
            return
        source = print_source(self.store, self.period, stamp_for(self.store, self.period))
        try:
            pages = write_pdf(source, None, path)
        except OSError as e:
            raise UserError(self.tr("无法写入 {path}:{reason}").format(
                path=path, reason=os_reason(e))) from None
        self.window.statusBar().showMessage(
            self.tr("已写出 PDF({n} 页):{path}").format(n=pages, path=path), 10000)

    @shows_refusals
    def mail(self) -> None:
        from .mail_dialog import MailDialog

        if not self.ready():
            return
        self._open(MailDialog(self.store, self.period, self.window, opener=self.opener))

    def history(self) -> None:
        from .audit_dialog import AuditDialog

        if not self.ready():
            return
        self._open(AuditDialog(self.store, self.period, self.window))

    # ------------------------------------------------------------ 汇总

    def import_bundles(self, paths: list[Path] | None = None) -> None:
        """The import dialog (one per window); dropped files go straight into its queue."""
        from .received_import import ImportDialog

        dialog = self.import_dialog
        if dialog is None:
            dialog = ImportDialog(self.store.path, self.window,
                                  folder=self._folder_setting(BUNDLE_DIR_SETTING))
            dialog.folder_chosen.connect(
                lambda folder: self.store.set_setting(BUNDLE_DIR_SETTING, folder))
            dialog.finished_all.connect(self.window.refresh_received)
            self.import_dialog = dialog
        self.dialog = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        if paths:
            dialog.import_paths(paths)

    def export_summary(self) -> None:
        self.window.show_page("totals")
        self.window.totals_page.export_summary()

    # ------------------------------------------------------------ 工具

    def verify(self) -> None:
        from .verify_dialog import VerifyDialog

        self._open(VerifyDialog(self.store, self.window))

    def trusted_keys(self) -> None:
        from .key_dialogs import TrustedKeysDialog

        self._open(TrustedKeysDialog(self.store, self.window))

    @shows_refusals
    def own_key(self) -> None:
        from .key_dialogs import OwnKeyDialog

        self._open(OwnKeyDialog(self.store, self.window))

    def seal(self) -> None:
        from .seal_dialog import SealDialog

        self._open(SealDialog(self.store, self.window))

    def backups(self) -> None:
        """The backups of the open database: 立即备份, and restoring one in place of it (the
        window then shows the restored data: live_restore)."""
        from .backup_dialog import BackupDialog
        from .live_restore import WindowRestorer

        self.window.commit_open_edits()  # a backup made now holds what is being typed
        self._open(BackupDialog(
            self.store.path, self.window, store=self.store,
            restorer=WindowRestorer(self.window), message=self.tr(
                "恢复一份备份会把全部数据(各月的附件1、附件2,单位信息,导出和更正记录)换回备份时的样子;"
                "恢复前会先自动备份当前数据,恢复错了还可以再恢复回来。")))

    # ------------------------------------------------------------ 帮助

    def about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(self.window, self.tr("关于{app}").format(app=APP_DISPLAY_NAME), self.tr(
            "<h3>{app} {version}</h3><p>“{campaign}”专项行动月报的离线填报、校验、签名导出、打印与报送。</p>"
            "<p>依据:{notice}</p><p>数据只保存在本机,不联网也能使用。</p>").format(
                app=APP_DISPLAY_NAME, version=__version__, campaign=self.store.form.campaign,
                notice=self.store.form.notice))

    def help(self) -> None:
        from .ui_dialog import UiDialog

        self._open(UiDialog(self.window, ui_name="help_dialog"))
