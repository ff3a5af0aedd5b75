"""更正: reopen an exported month for its next revision, with a reason that is kept."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTableView

from ..core.china_time import time_text
from ..core.errors import UserError
from ..core.signing import grouped
from ..core.store import ExportRecord, Store
from .ui_dialog import RowsModel, UiDialog, fit_columns


class ExportsModel(RowsModel):
    """The month's exported revisions: 版本, 导出时间, fingerprints, 更正原因."""

    def headers(self) -> list[str]:
        return [self.tr("版本"), self.tr("导出时间"), self.tr("签名公钥指纹"), self.tr("数据包指纹"),
                self.tr("更正原因")]

    def cell(self, record: ExportRecord, column: int) -> str:
        return [self.tr("第{n}版").format(n=record.revision), time_text(record.created),
                grouped(record.fingerprint), grouped(record.manifest_sha256[:16]),
                record.reason or self.tr("(首次导出)")][column]


class CorrectionDialog(UiDialog):
    """Asks for the reason and opens the correction; the store's refusals are shown here."""

    ui_name = "correction_dialog"

    def __init__(self, store: Store, period: str, parent=None):
        super().__init__(parent)
        self.store = store
        self.period = period
        self.intro: QLabel = self.widget(QLabel, "introLabel")
        self.reason: QPlainTextEdit = self.widget(QPlainTextEdit, "reasonEdit")
        self.problem: QLabel = self.widget(QLabel, "problemLabel")
        self.view: QTableView = self.widget(QTableView, "exportsView")
        self.model = ExportsModel(self)
        self.model.set_rows(store.exports(period))
        self.view.setModel(self.model)
        fit_columns(self.view)
        state = store.export_state(period)
        label = store.form.month(period).label
        self.setWindowTitle(self.windowTitle() + f" · {label}")
        self.intro.setText(self.tr(
            "{month}已导出第{n}版并锁定。更正后可以修改数据,改好后再导出,就是第{next}版;"
            "已导出的各版都保留记录,发出去的文件不会被改动。").format(
                month=label, n=state.exported, next=state.next_revision))
        self.reason.textChanged.connect(lambda: self.problem.setText(""))
        self.reason.setFocus()
        self.state = state

    def accept(self) -> None:
        reason = self.reason.toPlainText().strip()
        if not reason:
            self.problem.setText(self.tr("请填写更正原因:说明要改什么、为什么改,例如“补录漏报的案件”。"))
            self.reason.setFocus()
            return
        try:
            self.state = self.store.start_correction(self.period, reason)
        except UserError as e:
            self.problem.setText(str(e))
            return
        super().accept()
