"""The end of an export: the file, its revision and fingerprints, and what to do next."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QLabel, QPushButton

from ..core.bundle import ExportResult
from ..core.signing import grouped
from ..core.store import ExportRecord
from .ui_dialog import UiDialog
from .uiload import make_title


class ExportResultDialog(UiDialog):
    ui_name = "export_result"

    def __init__(self, result: ExportResult, record: ExportRecord | None, month_label: str,
                 opener: Callable[[QUrl], bool], on_mail: Callable[[], None],
                 on_print: Callable[[], None], parent=None):
        super().__init__(parent)
        self.result = result
        self.opener = opener
        headline = self.widget(QLabel, "headlineLabel")
        make_title(headline)
        if result.again:
            headline.setText(self.tr("{month}已导出过,已把第{n}版重新写出(与原文件完全相同)。").format(
                month=month_label, n=result.revision))
        else:
            headline.setText(self.tr("已导出{month}第{n}版签名数据包。").format(
                month=month_label, n=result.revision))
        self.widget(QLabel, "fileValue").setText(str(result.path))
        self.widget(QLabel, "revisionValue").setText(self.tr("第{n}版").format(n=result.revision))
        self.widget(QLabel, "bundleFingerprintValue").setText(
            grouped(record.manifest_sha256[:16]) if record else "")
        self.widget(QLabel, "keyFingerprintValue").setText(grouped(result.fingerprint))
        self.widget(QPushButton, "openFolderButton").clicked.connect(self.open_folder)
        self.widget(QPushButton, "mailButton").clicked.connect(lambda: (self.accept(), on_mail()))
        self.widget(QPushButton, "printButton").clicked.connect(lambda: (self.accept(), on_print()))
        close = self.widget(QPushButton, "closeButton")
        close.clicked.connect(self.accept)
        # Enter closes, as the clerk reading the result expects: the first button in the row
        # (打开文件夹) had the focus, and with it Enter.
        close.setFocus()

    def open_folder(self) -> None:
        self.opener(QUrl.fromLocalFile(str(self.result.path.parent)))
