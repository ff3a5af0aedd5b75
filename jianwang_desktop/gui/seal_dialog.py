"""电子印章: choose the office's seal image, see it, or clear it (then the paper is stamped)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFileDialog, QLabel, QPushButton

from ..core.errors import UserError, os_reason
from ..core.store import Store
from .seal import clear_seal, seal_image, set_seal
from .ui_dialog import UiDialog, show_status

class SealDialog(UiDialog):
    ui_name = "seal_dialog"

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.preview: QLabel = self.widget(QLabel, "previewLabel")
        self.status: QLabel = self.widget(QLabel, "statusLabel")
        self.clear_button: QPushButton = self.widget(QPushButton, "clearButton")
        self.widget(QPushButton, "chooseButton").clicked.connect(self.choose)
        self.clear_button.clicked.connect(self.clear)
        self.refresh()

    def refresh(self) -> None:
        image = seal_image(self.store)
        self.clear_button.setEnabled(image is not None)
        if image is None:
            self.preview.setPixmap(QPixmap())
            self.preview.setText(self.tr("未设置电子印章\n(打印后加盖实物印章)"))
            return
        size = self.preview.minimumSize()
        self.preview.setPixmap(QPixmap.fromImage(image).scaled(
            size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation))

    def _status(self, text: str, ok: bool) -> None:
        show_status(self.status, text, ok)

    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择电子印章图片"), "",
                                              self.tr("PNG 图片 (*.png);;所有图片 (*.png *.jpg *.bmp)"))
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path) -> bool:
        """Store the seal from a file; a file that is not an image is refused, nothing stored."""
        try:
            data = path.read_bytes()
        except OSError as e:
            self._status(self.tr("无法读取 {path}:{reason}").format(path=path, reason=os_reason(e)),
                         ok=False)
            return False
        try:
            set_seal(self.store, data)
        except UserError as e:
            self._status(str(e), ok=False)
            return False
        self._status(self.tr("已保存电子印章,打印时会盖在单位名称上。"), ok=True)
        self.refresh()
        return True

    def clear(self) -> None:
        clear_seal(self.store)
        self._status(self.tr("已清除电子印章,打印件的盖章处留空。"), ok=True)
        self.refresh()
