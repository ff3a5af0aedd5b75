"""本市汇总: a 市(州)版权局's month as it is exported — its own figures, each department's
bundle (revision, time, fingerprint), who has not reported, and the city total by category."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHeaderView, QLabel, QScrollArea, QTableView, QWidget

from .statistics_model import StatisticsModel
from .statistics_view import StatisticsView
from .uiload import MadeWhenShown, child, embed, make_title


class CityPage(MadeWhenShown, QWidget):
    """Built when first shown or asked for a month: most starts never open this tab."""

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.period = ""

    def _make(self) -> None:
        from .received_city_model import CityBreakdownModel  # with completeness and signing

        form = self.store.form
        self.ui = embed(self, "city_page", custom=(StatisticsView,))
        # The tallest page of the window: it scrolls on a short screen rather than setting
        # the height of every page (and leaving no room for the message bar).
        scroller = QScrollArea(self)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        self.layout().replaceWidget(self.ui, scroller)
        scroller.setWidget(self.ui)
        self.title_label: QLabel = child(self.ui, QLabel, "cityTitleLabel")
        self.missing_label: QLabel = child(self.ui, QLabel, "missingLabel")
        self.stale_label: QLabel = child(self.ui, QLabel, "staleLabel")
        self.breakdown_view: QTableView = child(self.ui, QTableView, "breakdownView")
        self.total_view: StatisticsView = child(self.ui, StatisticsView, "cityTotalView")
        make_title(self.title_label)

        self.breakdown_model = CityBreakdownModel(form, self)
        self.breakdown_view.setModel(self.breakdown_model)
        self.breakdown_view.horizontalScrollBar().rangeChanged.connect(
            lambda _low, _high: self._fit_breakdown())
        self.breakdown_view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.breakdown_view.setWordWrap(False)
        self.breakdown_view.verticalHeader().hide()
        header = self.breakdown_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.breakdown_model.columnCount() - 1,
                                    QHeaderView.ResizeMode.Stretch)
        self.total_model = StatisticsModel(form, parent=self)  # no store: read only
        self.total_view.setModel(self.total_model)
        self.total_view.use_form(form)

    def show_period(self, period: str) -> None:
        """Read the month again from the store (after a month change, an edit or an import)."""
        from ..core.rollup import city_breakdown, combined_month, stale_export

        self.build()
        form = self.store.form
        self.period = period
        rows = city_breakdown(self.store, period)
        self.breakdown_model.set_rows(rows)
        self._fit_breakdown()
        self.total_model.set_grid(combined_month(self.store, period).statistics, period)
        profile = self.store.profile()
        label = form.month(period).label
        self.title_label.setText(self.tr("{unit}{month}本市汇总").format(
            unit=profile.unit if profile else "", month=label))
        missing = [row.source for row in rows if not row.reported]
        if missing:
            self.missing_label.setStyleSheet("color: #b3261e;")
            self.missing_label.setText(self.tr(
                "{who}尚未报送{month}的数据,合计中不含其数字;收到数据包后导入即可。").format(
                    who="、".join(missing), month=label))
        else:
            self.missing_label.setStyleSheet("color: #1e6b34;")
            self.missing_label.setText(self.tr("本地各部门均已报送{month}的数据。").format(month=label))
        revision = stale_export(self.store, period)
        self.stale_label.setVisible(revision is not None)
        if revision is not None:
            self.stale_label.setText(self.tr(
                "已导出的第{n}版合计与现在导入的部门数据不一致。请在“报表 → 更正…”中写明原因,"
                "再重新导出。").format(n=revision))

    def _fit_breakdown(self) -> None:
        view = self.breakdown_view
        view.resizeRowsToContents()
        height = view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
        height += sum(view.rowHeight(r) for r in range(self.breakdown_model.rowCount()))
        if view.horizontalScrollBar().maximum() > 0:  # too wide: the bar takes room of its own
            height += view.horizontalScrollBar().sizeHint().height()
        view.setFixedHeight(height + 2)
