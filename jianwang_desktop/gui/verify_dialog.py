"""验证数据包: check a received bundle off the UI thread and show every check's outcome."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QFileDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QMessageBox, QPlainTextEdit, QPushButton)

from ..core.china_time import time_text
from ..core.errors import UserError
from ..core.signing import grouped
from ..core.store import Store
from ..core.verify import CHECKS, VerifyResult, verify_file
from .background import run_in_background
from .ui_dialog import UiDialog
from .uiload import make_title

OK_COLOUR, FAIL_COLOUR, SKIP_COLOUR = QColor("#1b5e20"), QColor("#b3261e"), QColor("#6b6b6b")


class VerifyDialog(UiDialog):
    ui_name = "verify_dialog"

    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.result: VerifyResult | None = None
        self.busy = False
        self._generation = 0
        self.path_edit: QLineEdit = self.widget(QLineEdit, "pathEdit")
        self.result_label: QLabel = self.widget(QLabel, "resultLabel")
        self.bundle_label: QLabel = self.widget(QLabel, "bundleLabel")
        self.checks_list: QListWidget = self.widget(QListWidget, "checksList")
        self.failures_edit: QPlainTextEdit = self.widget(QPlainTextEdit, "failuresEdit")
        self.signer_label: QLabel = self.widget(QLabel, "signerLabel")
        self.trust_button: QPushButton = self.widget(QPushButton, "trustButton")
        self.widget(QPushButton, "browseButton").clicked.connect(self.choose)
        self.trust_button.clicked.connect(self.trust_signer)
        self.setAcceptDrops(True)
        make_title(self.result_label)
        self.resize(760, 560)

    # ------------------------------------------------------------ choosing a file

    def choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择要验证的数据包"),
                                              self.path_edit.text(), self.tr("数据包 (*.zip)"))
        if path:
            self.verify(Path(path))

    @staticmethod
    def _dropped_file(event) -> Path | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        files = [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]
        return files[0] if len(files) == 1 else None

    def dragEnterEvent(self, event) -> None:
        if self._dropped_file(event) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        path = self._dropped_file(event)
        if path is not None:
            event.acceptProposedAction()
            self.verify(path)

    # ------------------------------------------------------------ verifying

    def verify(self, path: Path) -> None:
        """Verify on a worker thread; the trust list is read here and passed as plain data."""
        self._generation += 1
        generation = self._generation
        self.busy = True
        self.path_edit.setText(str(path))
        self.result = None
        self.trust_button.setEnabled(False)
        self.checks_list.clear()
        self.failures_edit.clear()
        self.bundle_label.setText("")
        self.signer_label.setText("")
        self.result_label.setStyleSheet("")
        self.result_label.setText(self.tr("正在验证……"))
        trusted = self.store.trusted_keys()

        def done(result: VerifyResult) -> None:
            if generation == self._generation:
                self.busy = False
                self.show_result(result)

        def failed(text: str) -> None:
            if generation == self._generation:
                self.busy = False
                self.result_label.setStyleSheet(f"color: {FAIL_COLOUR.name()};")
                self.result_label.setText(self.tr("无法验证:") + text)

        run_in_background(lambda: verify_file(path, trusted), done, failed)

    def show_result(self, result: VerifyResult) -> None:
        self.result = result
        if result.ok:
            self.result_label.setStyleSheet(f"color: {OK_COLOUR.name()};")
            self.result_label.setText(self.tr("✔ 验证通过:文件齐全、未被改动、签名有效。"))
        else:
            self.result_label.setStyleSheet(f"color: {FAIL_COLOUR.name()};")
            self.result_label.setText(self.tr("✘ 验证未通过:{n} 个问题,见下面的列表。不要使用这个数据包,"
                                              "请对方重新发送。").format(n=len(result.failures)))
        manifest = result.manifest if isinstance(result.manifest, dict) else {}
        if manifest.get("unit"):
            shown = {k: manifest.get(k, "") for k in ("unit", "period", "revision")}
            shown["created"] = time_text(str(manifest.get("created", "")))
            self.bundle_label.setText(self.tr("单位:{unit}  月份:{period}  第{revision}版  生成时间:"
                                              "{created}").format(**shown))
        for key, label in CHECKS.items():
            passed = result.checks.get(key)
            if passed is None:
                text, colour = self.tr("— 未检查:{check}(前面的检查未通过)"), SKIP_COLOUR
            elif passed:
                text, colour = self.tr("✔ 通过:{check}"), OK_COLOUR
            else:
                text, colour = self.tr("✘ 未通过:{check}"), FAIL_COLOUR
            item = QListWidgetItem(text.format(check=label))
            item.setForeground(colour)
            self.checks_list.addItem(item)
        self.failures_edit.setPlainText("\n".join(result.failures))
        self.signer_label.setText(self.signer_text(result))
        self.trust_button.setEnabled(self.can_trust(result))

    def signer_text(self, result: VerifyResult) -> str:
        if not result.fingerprint:
            return self.tr("签名者:无法识别(清单中没有有效的公钥)")
        fingerprint = grouped(result.fingerprint)
        if not result.signature_valid:
            return self.tr("签名者指纹:{fp}  签名未通过验证,不能信任。").format(fp=fingerprint)
        if result.trusted:
            return self.tr("签名者指纹:{fp}  受信任({label})").format(
                fp=fingerprint, label=result.trusted_label)
        if not result.ok:
            return self.tr("签名者指纹:{fp}  未受信任(数据包未通过验证)").format(fp=fingerprint)
        if result.trust_note:
            return self.tr("签名者指纹:{fp}  未受信任:{note}").format(fp=fingerprint,
                                                                 note=result.trust_note)
        return self.tr("签名者指纹:{fp}  未受信任:请打电话与对方逐组核对这个指纹,一致后点“信任此公钥…”。"
                       ).format(fp=fingerprint)

    @staticmethod
    def can_trust(result: VerifyResult) -> bool:
        """Only the key of a bundle that passed every check, and is not trusted yet (nor
        trusted for another office: one key signs for one office)."""
        return bool(result.ok and result.fingerprint and not result.trusted
                    and result.trusted_office is None)

    def trust_signer(self) -> None:
        result = self.result
        if result is None or not self.can_trust(result):
            return
        manifest = result.manifest
        unit = manifest.get("unit", "")
        answer = QMessageBox.question(
            self, self.tr("信任此公钥"),
            self.tr("请打电话给{unit},请对方在“工具 → 本机签名公钥”中读出指纹,与下面的指纹逐组核对:\n\n"
                    "{fp}\n\n完全一致吗?一致才点“是”。以后这个单位签名的数据包都会显示为受信任。").format(
                unit=unit or self.tr("对方"), fp=grouped(result.fingerprint)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.store.trust_key(result.fingerprint, manifest["signer"]["public_key"],
                                 unit or result.fingerprint, region=manifest["region"],
                                 department=manifest["department"])
        except UserError as e:
            self.result_label.setStyleSheet(f"color: {FAIL_COLOUR.name()};")
            self.result_label.setText(str(e))
            return
        self.verify(Path(self.path_edit.text()))  # shown again, now as trusted
