"""本机签名公钥 (this office's key: read it out, print it, export it) and 受信任的公钥."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtWidgets import (QFileDialog, QInputDialog, QLabel, QLineEdit, QMessageBox,
                               QPushButton, QTableView)

from ..core.domain import geography
from ..core.errors import UserError, os_reason
from ..core.signing import (PublicKey, create_key, grouped, has_key, installation_public_key,
                            read_public_key_file_with_office, trusted_unit_text)
from ..core.store import Store
from .ui_dialog import RowsModel, UiDialog, fit_columns, show_status

def key_sheet_html(unit: str, public: PublicKey, today: date) -> str:
    """The page a clerk prints for the receiving side: unit, fingerprint, full key."""
    def tr(text: str) -> str:
        return QCoreApplication.translate("KeySheet", text)

    return (
        f"<h2 align='center'>{tr('剑网填报 签名公钥')}</h2>"
        f"<p>{tr('填报单位:{unit}').format(unit=html.escape(unit))}</p>"
        f"<p>{tr('签名公钥指纹(Ed25519,公钥 sha256 的前 16 位十六进制):')}</p>"
        f"<p align='center' style='font-size:28pt; font-family:monospace'>"
        f"{grouped(public.fingerprint)}</p>"
        f"<p>{tr('公钥(base64):')}<br/><span style='font-family:monospace'>{public.base64}</span></p>"
        f"<p>{tr('收到本单位的数据包时,请核对数据包签名者的指纹与上面的指纹逐组一致。')}</p>"
        f"<p>{tr('打印日期:{y}年{m}月{d}日').format(y=today.year, m=today.month, d=today.day)}</p>"
        f"<p>{tr('填报单位(盖章):')}</p>"
    )


def key_sheet_document(unit: str, public: PublicKey, today: date | None = None) -> QTextDocument:
    from .printing import SERIF_FAMILIES, font

    document = QTextDocument()
    document.setDefaultFont(font(SERIF_FAMILIES, 12))
    document.setHtml(key_sheet_html(unit, public, today or date.today()))
    return document


def write_key_sheet_pdf(unit: str, public: PublicKey, path: str | Path) -> None:
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    key_sheet_document(unit, public).print_(printer)


class OwnKeyDialog(UiDialog):
    ui_name = "own_key_dialog"

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.fingerprint_label: QLabel = self.widget(QLabel, "fingerprintLabel")
        self.public_key_label: QLabel = self.widget(QLabel, "publicKeyLabel")
        self.status_label: QLabel = self.widget(QLabel, "statusLabel")
        self.create_button: QPushButton = self.widget(QPushButton, "createButton")
        self.print_button: QPushButton = self.widget(QPushButton, "printButton")
        self.export_button: QPushButton = self.widget(QPushButton, "exportButton")
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(26)
        font.setBold(True)
        self.fingerprint_label.setFont(font)
        profile = store.profile()
        self.unit = profile.unit if profile else ""
        self.office = (profile.region, profile.department) if profile else ("", "")
        self.widget(QLabel, "unitLabel").setText(self.tr("填报单位:{unit}").format(
            unit=self.unit or self.tr("(尚未设置)")))
        self.create_button.clicked.connect(self.create)
        self.print_button.clicked.connect(self.print_sheet)
        self.export_button.clicked.connect(self.export_file)
        self.refresh()

    def public_key(self) -> PublicKey | None:
        return installation_public_key(self.store.path)

    def refresh(self) -> None:
        public = self.public_key()
        self.create_button.setVisible(public is None)
        self.print_button.setEnabled(public is not None)
        self.export_button.setEnabled(public is not None)
        if public is None:
            self.fingerprint_label.setText(self.tr("(尚无密钥)"))
            self.public_key_label.setText(self.tr("本机还没有签名密钥。第一次导出签名数据包时会自动生成,"
                                                  "也可以现在生成。"))
            return
        self.fingerprint_label.setText(grouped(public.fingerprint))
        self.public_key_label.setText(self.tr("公钥(base64):{key}").format(key=public.base64))

    def _status(self, text: str, ok: bool) -> None:
        show_status(self.status_label, text, ok)

    def create(self) -> None:
        if has_key(self.store.path):
            self.refresh()
            return
        passphrase, ok = QInputDialog.getText(
            self, self.tr("生成签名密钥"),
            self.tr("可以为签名密钥设置口令(每次导出时要输入),不设口令请直接点“确定”:"),
            QLineEdit.EchoMode.Password)
        if not ok:
            return
        try:
            create_key(self.store.path, passphrase or None)
        except UserError as e:
            self._status(str(e), ok=False)
            return
        self._status(self.tr("已生成签名密钥。"), ok=True)
        self.refresh()

    def print_sheet(self) -> None:
        from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

        public = self.public_key()
        if public is None:
            return
        document = key_sheet_document(self.unit, public)
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.tr("签名公钥指纹"))
        dialog = QPrintPreviewDialog(printer, self)
        dialog.setWindowTitle(self.tr("打印签名公钥指纹"))
        dialog.paintRequested.connect(document.print_)
        dialog.exec()

    def export_file(self) -> None:
        public = self.public_key()
        if public is None:
            return
        suggested = str(Path.home() / f"{self.unit or 'jianwang'}-签名公钥.pub")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出公钥文件"), suggested,
                                              self.tr("公钥文件 (*.pub *.pem *.txt)"))
        if not path:
            return
        try:
            Path(path).write_text(public.export_text(self.unit, *self.office), encoding="utf-8",
                                  newline="\n")
        except OSError as e:
            self._status(self.tr("无法写入 {path}:{reason}").format(path=path, reason=os_reason(e)),
                         ok=False)
            return
        self._status(self.tr("已导出公钥(不含私钥):{path}").format(path=path), ok=True)


class TrustedKeysModel(RowsModel):
    """Keys this office trusts when verifying: 单位 and grouped fingerprint."""

    def headers(self) -> list[str]:
        return [self.tr("单位(备注)"), self.tr("签名公钥指纹")]

    def set_keys(self, keys: dict[str, tuple]) -> None:
        """Rows (label, fingerprint, office), in the store's order (by label, then office)."""
        self.set_rows([(entry[1], fp, entry[2]) for fp, entry in keys.items()])

    def cell(self, row: tuple, column: int) -> str:
        label, fp, office = row
        return trusted_unit_text(label, office) if column == 0 else grouped(fp)


class TrustedKeysDialog(UiDialog):
    ui_name = "trusted_keys_dialog"

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.status_label: QLabel = self.widget(QLabel, "statusLabel")
        self.view: QTableView = self.widget(QTableView, "keysView")
        self.model = TrustedKeysModel(self)
        self.view.setModel(self.model)
        fit_columns(self.view)
        self.widget(QPushButton, "addButton").clicked.connect(self.add_key_file)
        self.remove_button: QPushButton = self.widget(QPushButton, "removeButton")
        self.remove_button.clicked.connect(self.remove_selected)
        # a model reset clears the selection without selectionChanged
        self.view.selectionModel().selectionChanged.connect(self._enable_remove)
        self.model.modelReset.connect(self._enable_remove)
        self.model.set_keys(store.trusted_keys())

    def _enable_remove(self) -> None:
        self.remove_button.setEnabled(self.selected() is not None)

    def selected(self) -> tuple | None:
        """The selected row: (label, fingerprint, office)."""
        rows = self.view.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()] if rows else None

    def remove_selected(self) -> None:
        """Stop trusting the selected key, after the clerk confirms (No is the default)."""
        row = self.selected()
        if row is None:
            return
        label, fp, office = row
        unit = trusted_unit_text(label, office)
        answer = QMessageBox.question(
            self, self.tr("不再信任这个公钥?"),
            self.tr("从受信任列表中移除这个公钥?\n\n单位:{unit}\n指纹:{fp}\n\n"
                    "以前用它导入的数据包仍保留;此后用它签名的数据包,验证时显示为“未受信任”,"
                    "导入时拒绝。以后要再信任它,须重新与对方核对指纹并添加公钥文件。").format(
                unit=unit, fp=grouped(fp)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.store.untrust_key(fp)
        except UserError as e:
            show_status(self.status_label, str(e), ok=False)
        else:
            show_status(self.status_label, self.tr(
                "已移除受信任的公钥:{unit},指纹 {fp}。以前导入的数据包仍保留,"
                "此后用它签名的数据包不再导入。").format(unit=unit, fp=grouped(fp)), ok=True)
        self.model.set_keys(self.store.trusted_keys())

    def add_key_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择对方的公钥文件"), "",
                                              self.tr("公钥文件 (*.pub *.pem *.txt);;所有文件 (*)"))
        if not path:
            return
        try:
            public, office = read_public_key_file_with_office(path)
        except UserError as e:
            show_status(self.status_label, str(e), ok=False)
            return
        if office is None:
            office = self.ask_office()
            if office is None:
                return
        unit = geography().default_unit(*office)
        label, ok = QInputDialog.getText(
            self, self.tr("信任此公钥"),
            self.tr("单位:{unit}\n指纹:{fp}\n\n这个公钥只用于验证{unit}的数据包。请先打电话与对方逐组核对"
                    "这个指纹。一致后填写备注名称(可不改)并点“确定”:").format(
                unit=unit, fp=grouped(public.fingerprint)), text=unit)
        if not ok:
            return
        try:
            added = self.store.trust_key(public.fingerprint, public.base64,
                                         label.strip() or unit, region=office[0],
                                         department=office[1])
        except UserError as e:
            show_status(self.status_label, str(e), ok=False)
            return
        show_status(self.status_label, (self.tr("已加入受信任的公钥:{fp}") if added else self.tr(
            "这个公钥已在受信任列表中:{fp}")).format(fp=grouped(public.fingerprint)), ok=True)
        self.model.set_keys(self.store.trusted_keys())

    def ask_office(self) -> tuple[str, str] | None:
        """The office a key file names none of: the clerk picks it from every office."""
        geo = geography()
        offices = geo.filers() + [(geo.province, d.name) for d in geo.provincial_departments]
        names = [geo.default_unit(*o) for o in offices]
        name, ok = QInputDialog.getItem(
            self, self.tr("公钥属于哪个单位"),
            self.tr("这个公钥文件没有写明单位。请选择它所属的单位(只对该单位的数据包有效):"),
            names, 0, False)
        if not ok or name not in names:
            return None
        return offices[names.index(name)]
