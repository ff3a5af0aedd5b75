"""The province's pages: 报送情况 (the completeness matrix) and 全省合计 (per month and
campaign to date, with the provincial summary workbook written off the UI thread)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (QComboBox, QFileDialog, QHeaderView, QLabel, QPushButton,
                               QTableView, QWidget)

from ..core.completeness import LATE, MISSING, ON_TIME, completeness, documents
from ..core.errors import UserError, os_reason
from ..core.receiving import current_bundles
from ..core.roles import senders_of
from ..core.rollup import campaign_to_date, monthly_totals
from .background import run_in_background
from .received_matrix_model import CompletenessModel
from .statistics_model import StatisticsModel
from .statistics_view import StatisticsView
from .uiload import child, embed, make_title

SUMMARY_DIR_SETTING = "last_summary_dir"  # the folder of the last provincial summary


def write_summary(db_path: Path, target: Path, today: date) -> Path:
    """Worker-side: the provincial summary workbook, through a connection of its own."""
    from ..core.store import Store
    from ..core.summary import summary_workbook_bytes

    with Store(db_path) as store:
        profile = store.profile()
        months = monthly_totals(store)
        data = summary_workbook_bytes(store.form, profile.unit, profile.region, months,
                                      campaign_to_date(store, months),
                                      completeness(store, today), datetime.now().astimezone())
    try:
        target.write_bytes(data)
    except OSError as e:
        raise UserError(QCoreApplication.translate("ProvincePages", "无法写入 {path}:{reason}")
                        .format(path=target, reason=os_reason(e))) from None
    return target


class CompletenessPage(QWidget):
    """22 rows (21 市(州) and 成都市文化市场综合执法总队) × the campaign's months."""

    def __init__(self, store, today: date, parent=None):
        super().__init__(parent)
        self.store = store
        self.today = today
        self.ui = embed(self, "completeness_page")
        self.view: QTableView = child(self.ui, QTableView, "matrixView")
        self.counts_label: QLabel = child(self.ui, QLabel, "countsLabel")
        self.model = CompletenessModel(store.form, self)
        self.view.setModel(self.model)
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # 22 rows on one screen: compact rows
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 3)
        self.matrix = None

    def reload(self) -> None:
        self.matrix = completeness(self.store, self.today)
        self.model.set_matrix(self.matrix)
        lines = []
        for period in self.matrix.periods:
            counts = [(name, self.matrix.status_count(period, key)) for key, name in (
                (ON_TIME, self.tr("按时")), (LATE, self.tr("逾期")), (MISSING, self.tr("未报")))]
            shown = "、".join(f"{name} {n}" for name, n in counts if n)
            lines.append(self.tr("{month}:{counts}").format(
                month=self.store.form.month(period).label, counts=shown or self.tr("尚未到期")))
        text = ";".join(lines)
        papers_text = []
        profile = self.store.profile()
        papers = documents(self.store, self.today)
        for deadline in self.store.form.deadlines:
            if profile is None or deadline.to != profile.department:
                continue  # 工作计划 and 工作总结 go to 省版权局 only
            cells = papers[deadline.key].values()
            got = sum(1 for c in cells if c.revision)
            missing = [c.sender.label for c in cells if c.status == MISSING]
            line = self.tr("{paper}({month}月{day}日截止):已收 {n} / {total}").format(
                paper=deadline.label, month=deadline.due.month, day=deadline.due.day, n=got,
                total=len(cells))
            if missing:
                line += self.tr(",未报 {n} 个").format(n=len(missing))
            papers_text.append(line)
        if papers_text:
            text += "\n" + ";".join(papers_text)
        self.counts_label.setText(text)


class ProvinceTotalsPage(QWidget):
    """全省合计 of a month, or of the campaign to date, exact; and the summary workbook."""

    exported = Signal(str)  # the path of a summary workbook just written
    failed = Signal(str)

    def __init__(self, store, today: date, parent=None):
        super().__init__(parent)
        self.store = store
        self.today = today
        form = store.form
        self.ui = embed(self, "province_totals_page", custom=(StatisticsView,))
        self.period_combo: QComboBox = child(self.ui, QComboBox, "periodCombo")
        self.title_label: QLabel = child(self.ui, QLabel, "totalsTitleLabel")
        self.included_label: QLabel = child(self.ui, QLabel, "includedLabel")
        self.export_button: QPushButton = child(self.ui, QPushButton, "exportSummaryButton")
        self.view: StatisticsView = child(self.ui, StatisticsView, "provinceTotalView")
        make_title(self.title_label)
        self.model = StatisticsModel(form, parent=self)  # no store: read only
        self.view.setModel(self.model)
        self.view.use_form(form)
        self.period_combo.addItem(self.tr("专项行动累计"), None)
        for month in form.months:
            self.period_combo.addItem(month.label, month.period)
        self.period_combo.currentIndexChanged.connect(lambda _: self.show_selected())
        self.export_button.clicked.connect(self.export_summary)
        self.months: dict = {}
        self.to_date = None
        self.exporting = False

    def select_period(self, period: str | None) -> None:
        self.period_combo.setCurrentIndex(self.period_combo.findData(period))

    def reload(self) -> None:
        self.months = monthly_totals(self.store)
        self.to_date = campaign_to_date(self.store, self.months)
        self.show_selected()

    def show_selected(self) -> None:
        if self.to_date is None:
            return
        form = self.store.form
        profile = self.store.profile()
        period = self.period_combo.currentData()
        unit = profile.unit if profile else ""
        if period is None:
            self.model.set_grid(self.to_date)
            self.title_label.setText(self.tr("{unit}专项行动累计").format(unit=unit))
            self.included_label.setText(self.tr("各月合计相加(只含已收到的数据包)。"))
            return
        self.model.set_grid(self.months[period], period)
        label = form.month(period).label
        self.title_label.setText(self.tr("{unit}{month}全省合计").format(unit=unit, month=label))
        current = current_bundles(self.store, period)
        senders = senders_of(profile)
        missing = [s.label for s in senders if s not in current]
        text = self.tr("已汇总 {n} / {total} 个单位的数据包。").format(
            n=len(senders) - len(missing), total=len(senders))
        if missing:
            text += self.tr("未报(不在合计中):{who}。").format(who="、".join(missing))
        self.included_label.setText(text)

    def export_summary(self) -> None:
        if self.exporting:
            return
        profile = self.store.profile()
        folder = self.store.setting(SUMMARY_DIR_SETTING) or ""
        if not Path(folder).is_dir():
            folder = str(Path.home())
        name = self.tr("{unit}{campaign}汇总表.xlsx").format(
            unit=profile.unit if profile else "", campaign=self.store.form.campaign)
        path, _ = QFileDialog.getSaveFileName(self, self.tr("导出全省汇总表"),
                                              str(Path(folder) / name),
                                              self.tr("Excel 工作簿 (*.xlsx)"))
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() != ".xlsx":
            target = target.with_name(target.name + ".xlsx")
        self.exporting = True
        self.export_button.setEnabled(False)
        db_path, today = self.store.path, self.today

        def done(written: Path) -> None:
            self.store.set_setting(SUMMARY_DIR_SETTING, str(written.parent))
            self._finished()
            self.exported.emit(str(written))

        def failed(text: str) -> None:
            self._finished()
            self.failed.emit(text)

        run_in_background(lambda: write_summary(db_path, target, today), done, failed)

    def _finished(self) -> None:
        self.exporting = False
        self.export_button.setEnabled(True)
