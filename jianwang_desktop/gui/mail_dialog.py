"""The 邮件报送 dialog: who gets what by when, the drafts, and the recipients' addresses.

Nothing is sent from here: the drafts are .eml files that the system's mail client
opens (the office may be offline); the clerk checks and sends them there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHeaderView,
                               QLabel, QLineEdit, QPushButton, QTabWidget, QTableView,
                               QVBoxLayout)

from ..core.errors import UserError
from ..core.mail import find_bundle, make_drafts, write_drafts
from ..core.month_state import date_text, no_bundle_text
from ..core.recipients import all_recipients, set_recipient_emails
from ..core.routing import Route, contents_text, month_routes
from ..core.store import Store
from .uiload import child, load_ui, make_title, resize_within_screen

Opener = Callable[[QUrl], bool]
ERROR_STYLE = "color: #b00020;"
OK_STYLE = "color: #1b5e20;"


class RoutesModel(QAbstractTableModel):
    """One row per recipient of the month: name, address, forms, due date, draft file."""

    RECIPIENT, ADDRESS, CONTENTS, DUE, DRAFT = range(5)

    def __init__(self, form, parent=None):
        super().__init__(parent)
        self.form = form
        self.routes: list[Route] = []
        self.drafts: list[Path | None] = []

    def headers(self) -> list[str]:
        return [self.tr("收件单位"), self.tr("邮箱"), self.tr("报送内容"), self.tr("截止日期"),
                self.tr("邮件草稿")]

    def set_routes(self, routes: list[Route]) -> None:
        self.beginResetModel()
        self.routes = list(routes)
        self.drafts = [None] * len(self.routes)
        self.endResetModel()

    def set_drafts(self, paths: list[Path]) -> None:
        self.drafts = list(paths)
        if self.routes:
            self.dataChanged.emit(self.index(0, self.DRAFT),
                                  self.index(len(self.routes) - 1, self.DRAFT))

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.routes)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 5

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers()[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        route = self.routes[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.RECIPIENT:
                return route.recipient.name
            if column == self.ADDRESS:
                return route.recipient.email or self.tr("未设置")
            if column == self.CONTENTS:
                return contents_text(self.form, route)
            if column == self.DUE:
                return date_text(route.due)
            draft = self.drafts[index.row()]
            return draft.name if draft else ""
        if role == Qt.ItemDataRole.ForegroundRole and column == self.ADDRESS \
                and route.recipient.missing:
            from PySide6.QtGui import QColor

            return QColor("#b00020")
        if role == Qt.ItemDataRole.ToolTipRole and route.note:
            return route.note
        return None


class MailDialog(QDialog):
    def __init__(self, store: Store, period: str, parent=None, opener: Opener | None = None):
        super().__init__(parent)
        self.store = store
        self.period = period
        self.opener: Opener = opener or QDesktopServices.openUrl
        self.paths: list[Path] = []
        month = store.form.month(period)
        self.setWindowTitle(self.tr("邮件报送") + f" · {month.label}")
        resize_within_screen(self, 900, 560)

        self.panel = load_ui("mail_dialog", self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addWidget(buttons)

        def find(cls, name):
            return child(self.panel, cls, name)

        self.tabs: QTabWidget = find(QTabWidget, "tabs")
        self.title_label: QLabel = find(QLabel, "titleLabel")
        self.routes_view: QTableView = find(QTableView, "routesView")
        self.bundle_edit: QLineEdit = find(QLineEdit, "bundleEdit")
        self.out_edit: QLineEdit = find(QLineEdit, "outEdit")
        self.status_label: QLabel = find(QLabel, "statusLabel")
        self.make_button: QPushButton = find(QPushButton, "makeButton")
        self.open_button: QPushButton = find(QPushButton, "openButton")
        self.folder_button: QPushButton = find(QPushButton, "folderButton")
        self.recipients_form: QFormLayout = find(QFormLayout, "recipientsForm")
        self.recipients_status: QLabel = find(QLabel, "recipientsStatus")
        self.save_recipients_button: QPushButton = find(QPushButton, "saveRecipientsButton")

        make_title(self.title_label)

        self.model = RoutesModel(store.form, self)
        self.routes_view.setModel(self.model)
        header = self.routes_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.routes_view.verticalHeader().setVisible(False)

        self.address_edits: dict[str, QLineEdit] = {}
        self._build_recipient_rows()

        found = find_bundle(store, period)
        if found is not None:
            self.bundle_edit.setText(str(found))
        self.out_edit.setText(self._default_out_dir())

        find(QPushButton, "bundleButton").clicked.connect(self.choose_bundle)
        find(QPushButton, "outButton").clicked.connect(self.choose_out_dir)
        self.make_button.clicked.connect(self.make)
        self.open_button.clicked.connect(self.open_draft)
        self.folder_button.clicked.connect(self.show_folder)
        self.save_recipients_button.clicked.connect(self.save_recipients)
        self.refresh()

    # ------------------------------------------------------------ state

    def _default_out_dir(self) -> str:
        documents = QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        return str(Path(documents or Path.home()) / self.tr("剑网填报邮件"))

    def _build_recipient_rows(self) -> None:
        for recipient in all_recipients(self.store):
            edit = QLineEdit(recipient.email, self)
            edit.setObjectName(f"address_{recipient.key}")
            edit.setPlaceholderText(self.tr("未设置,形如 用户名@域名"))
            edit.setMinimumWidth(320)
            edit.returnPressed.connect(self.save_recipients)
            label = recipient.name + (f"(电话 {recipient.phone})" if recipient.phone else "")
            self.recipients_form.addRow(label + ":", edit)
            self.address_edits[recipient.key] = edit

    def refresh(self) -> None:
        profile = self.store.profile()
        try:
            routes = month_routes(self.store, self.period)
        except UserError as e:
            self.model.set_routes([])
            self._status(str(e), ok=False)
            self.make_button.setEnabled(False)
            routes = []
        if profile is not None:
            label = self.store.form.month(self.period).label
            self.title_label.setText(self.tr("{unit} {month} 邮件报送").format(
                unit=profile.unit, month=label))
        if routes:
            self.model.set_routes(routes)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_drafts = bool(self.paths)
        self.open_button.setEnabled(has_drafts)
        self.folder_button.setEnabled(has_drafts)

    def _status(self, text: str, ok: bool) -> None:
        self.status_label.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.status_label.setText(text)

    # ------------------------------------------------------------ drafts

    def choose_bundle(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择签名数据包"),
                                              self.bundle_edit.text(),
                                              self.tr("数据包 (*.zip)"))
        if path:
            self.bundle_edit.setText(path)

    def choose_out_dir(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("草稿保存到"), self.out_edit.text())
        if path:
            self.out_edit.setText(path)

    def make(self) -> None:
        text = self.bundle_edit.text().strip()
        out_dir = self.out_edit.text().strip()
        if self._typed_addresses() and not self.save_recipients():  # the addresses shown
            self._status(self.tr("未生成邮件草稿:请先改正“收件人邮箱”页上的邮箱地址。"), ok=False)
            self.tabs.setCurrentIndex(1)
            return
        try:
            if not out_dir:
                raise UserError(self.tr("请选择草稿保存的文件夹。"))
            bundle = find_bundle(self.store, self.period, Path(text) if text else None)
            problems = self.problems(bundle)
            if problems:
                raise UserError(self.tr("未生成邮件草稿:"), problems)
            drafts = make_drafts(self.store, self.period, bundle)
            self.paths = write_drafts(drafts, Path(out_dir))
        except UserError as e:
            self.paths = []
            self.model.set_drafts([None] * self.model.rowCount())
            self._status(str(e), ok=False)
            missing = [r.recipient.name for r in self.model.routes if r.recipient.missing]
            if missing:
                self.recipients_status.setStyleSheet(ERROR_STYLE)
                self.recipients_status.setText(
                    self.tr("生成草稿前请先填写:{names}").format(names="、".join(missing)))
                self.tabs.setCurrentIndex(1)
                self._focus_first_missing()
            self._update_buttons()
            return
        self.model.set_drafts(self.paths)
        self._status(self.tr("已生成 {n} 封邮件草稿(未发送)。请用邮件程序逐一打开,核对后发送。")
                     .format(n=len(self.paths)), ok=True)
        self.routes_view.selectRow(0)
        self._update_buttons()

    def problems(self, bundle: Path | None) -> list[str]:
        """What make_drafts would refuse, told the way of the window: the page or menu
        to use rather than a command to type."""
        problems = [self.tr("{name}的邮箱地址还没有设置:请在“收件人邮箱”页填写。").format(
            name=r.recipient.name) for r in self.model.routes if r.recipient.missing]
        if bundle is None:
            problems.append(no_bundle_text(self.store, self.period,
                                           self.tr("菜单“报表 → 导出签名数据包…”"))
                            + self.tr(",或在上面选择数据包文件。"))
        return problems

    def selected_draft(self) -> Path | None:
        if not self.paths:
            return None
        rows = self.routes_view.selectionModel().selectedRows()
        row = rows[0].row() if rows else 0
        return self.paths[row]

    def open_draft(self) -> None:
        draft = self.selected_draft()
        if draft is None:
            return
        if not self.opener(QUrl.fromLocalFile(str(draft))):
            self._status(self.tr("本机没有可以打开 .eml 文件的邮件程序。已在文件夹中显示草稿,"
                                 "可把它拖进邮件程序,或把附件手动添加到新邮件中。"), ok=False)
            self.show_folder()

    def show_folder(self) -> None:
        if self.paths:
            self.opener(QUrl.fromLocalFile(str(self.paths[0].parent)))

    # ------------------------------------------------------------ recipients

    def _focus_first_missing(self) -> None:
        for route in self.model.routes:
            edit = self.address_edits.get(route.recipient.key)
            if route.recipient.missing and edit is not None:
                edit.setFocus()
                return

    def _typed_addresses(self) -> dict[str, str]:
        """The addresses typed in and not yet saved."""
        current = {r.key: r.email for r in all_recipients(self.store)}
        return {key: edit.text().strip() for key, edit in self.address_edits.items()
                if edit.text().strip() and edit.text().strip() != current[key]}

    def save_recipients(self) -> bool:
        """Save every changed address, or none of them when one is not valid (False)."""
        try:
            saved = set_recipient_emails(self.store, self._typed_addresses())
        except UserError as e:
            self.recipients_status.setStyleSheet(ERROR_STYLE)
            self.recipients_status.setText(str(e))
            return False
        for recipient in saved:
            self.address_edits[recipient.key].setText(recipient.email)
        self.recipients_status.setStyleSheet(OK_STYLE)
        self.recipients_status.setText(self.tr("已保存 {n} 个邮箱。").format(n=len(saved))
                                       if saved else self.tr("没有改动。"))
        self.refresh()
        return True
