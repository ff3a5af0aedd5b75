"""A dialog whose contents are a Designer file from ui/: the one way our dialogs are built."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLabel, QVBoxLayout

from .uiload import child, load_ui


class UiDialog(QDialog):
    """Loads `ui/<ui_name>.ui` into itself; its window title comes from the file.

    A `buttonBox` in the file closes the dialog: accepted → accept(), rejected → reject().
    """

    ui_name = ""

    def __init__(self, parent=None, ui_name: str = ""):
        super().__init__(parent)
        self.ui = load_ui(ui_name or self.ui_name, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.ui)
        self.setWindowTitle(self.ui.windowTitle())
        buttons = self.ui.findChild(QDialogButtonBox, "buttonBox")
        if buttons is not None:
            buttons.accepted.connect(self.accept)
            buttons.rejected.connect(self.reject)

    def widget(self, cls: type, name: str):
        return child(self.ui, cls, name)


OK_STYLE, ERROR_STYLE = "color: #1b5e20;", "color: #b3261e;"


def show_status(label: QLabel, text: str, ok: bool) -> None:
    """A dialog's one-line outcome: green when done, red when refused."""
    label.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
    label.setText(text)


class RowsModel(QAbstractTableModel):
    """A read-only table of rows of text: subclasses give `headers()` and `cell(row, column)`."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list = []

    def headers(self) -> list[str]:
        raise NotImplementedError

    def cell(self, row, column: int) -> str:
        raise NotImplementedError

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers())

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers()[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole,
                                               Qt.ItemDataRole.ToolTipRole):
            return None
        return self.cell(self.rows[index.row()], index.column())


def fit_columns(view) -> None:
    """A read-only list in a dialog: no row numbers, columns as wide as their text."""
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
