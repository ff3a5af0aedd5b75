"""Import of received bundles from the window: a file dialog or files dropped on it.

Each bundle is imported on a worker thread with its own database connection
(core.receiving.import_file). A first key of an office not known yet is shown with its
fingerprint and imported only after the clerk confirms it matches the printed one.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QLabel, QMessageBox,
                               QPlainTextEdit, QPushButton, QVBoxLayout)

from ..core.signing import grouped
from .background import run_in_background

OK, UNTRUSTED, REFUSED = "ok", "untrusted", "refused"


def zip_paths(mime) -> list[Path]:
    """The .zip files among dropped URLs."""
    return [Path(u.toLocalFile()) for u in mime.urls()
            if u.isLocalFile() and u.toLocalFile().lower().endswith(".zip")]


def import_one(db_path: Path, bundle: Path, trust_fingerprint: str | None) -> tuple:
    """Worker-side: plain data only crosses back to the UI thread.

    trust_fingerprint: the fingerprint the clerk compared and confirmed; only a key with
    exactly that fingerprint is trusted (for the bundle's office), whatever the file holds
    by the time it is read again."""
    from ..core.errors import UserError
    from ..core.receiving import UntrustedKey, import_file
    from ..core.store import Store

    try:
        with Store(db_path) as store:
            return (OK, import_file(store, bundle, trust_fingerprint=trust_fingerprint).message)
    except UntrustedKey as e:
        return (UNTRUSTED, str(e), e.unit, e.fingerprint)
    except UserError as e:
        return (REFUSED, str(e))


class ImportDialog(QDialog):
    imported = Signal()  # something was stored: views of received data should reload
    finished_all = Signal()
    folder_chosen = Signal(str)  # the folder the clerk last chose bundles from

    def __init__(self, db_path: Path, parent=None, folder: str = ""):
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.folder = folder
        self.setWindowTitle(self.tr("导入数据包"))
        self.setAcceptDrops(True)
        self._queue: list[tuple[Path, str | None]] = []  # (bundle, confirmed fingerprint)
        self._busy = False
        self.log = QPlainTextEdit(self)
        self.log.setReadOnly(True)
        choose = QPushButton(self.tr("选择数据包…"), self)
        choose.setObjectName("chooseButton")
        choose.clicked.connect(self.choose_files)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("把收到的 .zip 数据包拖到这里,或点“选择数据包…”。"
                                        "每个数据包先验证,未通过的不会导入。"), self))
        layout.addWidget(choose)
        layout.addWidget(self.log, 1)
        layout.addWidget(buttons)
        self.resize(640, 420)

    # ------------------------------------------------------------ input

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("选择数据包"), self.folder,
                                                self.tr("数据包 (*.zip)"))
        if paths:
            self.folder = str(Path(paths[0]).parent)
            self.folder_chosen.emit(self.folder)
        self.import_paths([Path(p) for p in paths])

    def dragEnterEvent(self, event) -> None:
        if zip_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = zip_paths(event.mimeData())
        event.acceptProposedAction()
        self.import_paths(paths)

    # ------------------------------------------------------------ work

    def import_paths(self, paths: list[Path]) -> None:
        self._queue += [(p, None) for p in paths]
        self._next()

    def _next(self) -> None:
        if self._busy:
            return
        if not self._queue:
            self.finished_all.emit()
            return
        self._busy = True
        path, confirmed = self._queue.pop(0)
        run_in_background(lambda: import_one(self.db_path, path, confirmed),
                          lambda result: self._done(path, result), self._failed)

    def _done(self, path: Path, result: tuple) -> None:
        self._busy = False
        kind, text = result[0], result[1]
        if kind == UNTRUSTED and self.ask_trust(result[2], result[3]):
            self._queue.insert(0, (path, result[3]))  # trust only the key that was compared
        else:
            self.log.appendPlainText(text if kind == OK else self.tr("未导入:") + text)
            if kind == OK:
                self.imported.emit()
        self._next()

    def _failed(self, text: str) -> None:
        self._busy = False
        self.log.appendPlainText(self.tr("导入时出现程序错误:") + text)
        self._next()

    def ask_trust(self, unit: str, fingerprint: str) -> bool:
        answer = QMessageBox.question(
            self, self.tr("信任新的公钥?"),
            self.tr("%1 第一次报送,它的签名公钥指纹是:\n\n%2\n\n请与对方打印或电话告知的指纹逐位核对。"
                    "一致时点“是”信任并导入(这个公钥只用于%1的数据包);不一致或无法核对时点“否”。")
            .replace("%1", unit).replace("%2", grouped(fingerprint)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes
