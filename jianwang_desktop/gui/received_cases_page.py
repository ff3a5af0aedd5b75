"""The page that lists every received case, with filters by 市(州), month, category,
source and text. The lead wires it into the main window's menus."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QLineEdit, QTableView,
                               QVBoxLayout, QWidget)

from ..core.domain import geography
from ..core.register import CaseFilter, search_cases
from .received_cases_model import ReceivedCasesFilter, ReceivedCasesModel


class ReceivedCasesPage(QWidget):
    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        form = store.form
        self.model = ReceivedCasesModel(form, self)
        self.proxy = ReceivedCasesFilter(self)
        self.proxy.setSourceModel(self.model)

        self.region = self._combo(self.tr("全部市(州)"), [(r, r) for r in geography().regions])
        self.period = self._combo(self.tr("全部月份"), [(m.label, m.period) for m in form.months])
        self.category = self._combo(self.tr("全部类别"), [(c, c) for c in form.categories])
        self.source = self._combo(self.tr("全部来源"), [(s, s) for s in form.sources])
        self.text = QLineEdit(self)
        self.text.setPlaceholderText(self.tr("查找案件名称、案情、办案单位等"))
        self.text.setClearButtonEnabled(True)
        self.text.textChanged.connect(self.apply_filter)
        self.count = QLabel(self)

        filters = QHBoxLayout()
        for widget in (self.region, self.period, self.category, self.source):
            filters.addWidget(widget)
        filters.addWidget(self.text, 1)
        filters.addWidget(self.count)

        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # read only: Tab goes on to the next control
        self.table.horizontalHeader().setStretchLastSection(True)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        self.reload()

    def _combo(self, everything: str, choices: list[tuple[str, str]]) -> QComboBox:
        combo = QComboBox(self)
        combo.addItem(everything, None)
        for label, value in choices:
            combo.addItem(label, value)
        combo.currentIndexChanged.connect(self.apply_filter)
        return combo

    def reload(self) -> None:
        """Read the register again (after an import)."""
        self.model.set_items(search_cases(self.store))
        self.table.resizeColumnsToContents()
        self.apply_filter()

    def current_filter(self) -> CaseFilter:
        return CaseFilter(self.region.currentData(), self.period.currentData(),
                          self.category.currentData(), self.source.currentData(),
                          self.text.text())

    def apply_filter(self, *_) -> None:
        if not hasattr(self, "count"):  # combos fire while being filled
            return
        self.proxy.set_filter(self.current_filter())
        self.count.setText(self.tr("%n 条案件", "", self.proxy.rowCount()))
