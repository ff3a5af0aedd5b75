"""The main window: the office, the month, and its 附件1."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QHeaderView, QLabel, QMainWindow, QTableView

from .. import APP_DISPLAY_NAME
from ..core.store import Store
from .statistics_model import StatisticsModel
from .uiload import load_ui


class MainWindow(QMainWindow):
    def __init__(self, store: Store, today: date | None = None):
        super().__init__()
        self.store = store
        self.form = store.form
        self.today = today or date.today()
        self.panel = load_ui("main_panel", self)
        self.setCentralWidget(self.panel)
        self.setWindowTitle(self.tr("剑网填报") + f" · {self.form.campaign}")
        self.resize(1100, 640)

        self.month_combo: QComboBox = self.panel.findChild(QComboBox, "monthCombo")
        self.unit_label: QLabel = self.panel.findChild(QLabel, "unitLabel")
        self.title_label: QLabel = self.panel.findChild(QLabel, "titleLabel")
        self.region_label: QLabel = self.panel.findChild(QLabel, "regionLabel")
        self.due_label: QLabel = self.panel.findChild(QLabel, "dueLabel")
        self.statistics_view: QTableView = self.panel.findChild(QTableView, "statisticsView")

        self.statistics_model = StatisticsModel(self.form, parent=self)
        self.statistics_view.setModel(self.statistics_model)
        header = self.statistics_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setMinimumHeight(48)
        self.statistics_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)

        title_font = self.title_label.font()
        title_font.setPointSize(title_font.pointSize() + 5)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.title_label.setText(self.form.statistics_form.title)

        for month in self.form.months:
            self.month_combo.addItem(month.label, month.period)
        current = self.form.current_month(self.today)
        self.month_combo.setCurrentIndex(self.form.periods.index(current.period))
        self.month_combo.currentIndexChanged.connect(self.show_month)
        self.show_profile()
        self.show_month()

    @property
    def period(self) -> str:
        return self.month_combo.currentData()

    def show_profile(self) -> None:
        profile = self.store.profile()
        if profile is None:
            self.unit_label.setText(self.tr("尚未设置填报单位信息(请运行 jianwang init)"))
            self.region_label.setText(self.form.statistics_form.region_text(""))
            return
        self.unit_label.setText(
            self.tr("填报单位:{unit}  填报人:{filler}  联系电话:{phone}").format(
                unit=profile.unit, filler=profile.filler, phone=profile.phone)
        )
        self.region_label.setText(self.form.statistics_form.region_text(profile.region))

    def show_month(self) -> None:
        self.statistics_model.set_grid(self.store.load_grid(self.period))
        month = self.form.month(self.period)
        days = (month.due - self.today).days
        if days > 0:
            when = self.tr("还有 {n} 天").format(n=days)
        elif days == 0:
            when = self.tr("今天截止")
        else:
            when = self.tr("已逾期 {n} 天").format(n=-days)
        self.due_label.setText(
            self.tr("{month}报表截止日期:{due}({when})").format(
                month=month.label, due=f"{month.due.year}年{month.due.month}月{month.due.day}日",
                when=when)
        )
        self.statusBar().showMessage(f"{APP_DISPLAY_NAME} · {self.store.path}")
