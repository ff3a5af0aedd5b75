"""The 附件1 grid as a spreadsheet: the printed two-level header and Excel-like keys."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QPainter, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QAbstractScrollArea,
                               QHeaderView, QLabel, QLineEdit, QStyledItemDelegate,
                               QTabWidget, QTableView, QToolTip)

from ..core.money import NumberError

INVALID_STYLE = "QLineEdit { background: #f8c9c4; }"


class GroupedHeaderView(QHeaderView):
    """A horizontal header with group cells (行政结案数, 移送司法机关) over their columns.

    A column without a group spans both header rows, as on the printed form. Every cell is
    drawn by Qt's own header code, in the style of the system, from `cells`: a header
    never shown whose sections 1…n carry the columns' headings and n+1…2n their groups,
    between two empty ones, so that each cell is drawn as one in the middle of a header
    (a style may draw the first and last section's borders otherwise).
    (Drawing them from Python through the style would create the Python types of QStyle's
    enums, some 600 values, before the first paint: about 6 ms of every start.)
    """

    def __init__(self, form, parent=None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.form = form
        self.setSectionsClickable(False)
        self.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        measures = form.measures
        self.cells = QHeaderView(Qt.Orientation.Horizontal, self)
        self.cells.hide()
        labels = QStandardItemModel(0, 2 * len(measures) + 2, self.cells)
        labels.setHorizontalHeaderLabels([""] + [m.heading for m in measures]
                                         + [m.group or "" for m in measures] + [""])
        self.cells.setModel(labels)
        self.cells.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)

    def group_span(self, section: int) -> tuple[int, int]:
        group = self.form.measures[section].group
        first = last = section
        while first > 0 and self.form.measures[first - 1].group == group:
            first -= 1
        while last + 1 < len(self.form.measures) and self.form.measures[last + 1].group == group:
            last += 1
        return first, last

    def sizeHint(self) -> QSize:
        size = super().sizeHint()
        lines = max(h.heading.count("\n") + 1 for h in self.form.measures) + 1
        size.setHeight(self.fontMetrics().height() * lines + 16)
        return size

    def paintSection(self, painter: QPainter, rect: QRect, section: int) -> None:
        measures = self.form.measures
        if not rect.isValid() or section >= len(measures):
            return
        if self.cells.font() != self.font():
            self.cells.setFont(self.font())  # what the text is measured with, as drawn
        if not measures[section].group:
            self.cells.paintSection(painter, rect, 1 + section)
            return
        top_height = rect.height() // 3
        first, last = self.group_span(section)
        left = self.sectionViewportPosition(first)
        right = self.sectionViewportPosition(last) + self.sectionSize(last)
        self.cells.paintSection(painter, QRect(left, rect.top(), right - left, top_height),
                                1 + len(measures) + section)
        self.cells.paintSection(painter, QRect(rect.left(), rect.top() + top_height,
                                               rect.width(), rect.height() - top_height),
                                1 + section)


class CellDelegate(QStyledItemDelegate):
    """A line editor that shows, while typing, whether the text is an acceptable value."""

    def createEditor(self, parent, option, index):
        editor = QLineEdit(parent)
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.setFrame(False)
        model = index.model()
        key = model.key_at(index)
        editor.textChanged.connect(lambda text: self._check(editor, model, key, text))
        return editor

    def _check(self, editor: QLineEdit, model, key, text: str) -> str | None:
        try:
            model.parse(*key, text)
        except NumberError as e:
            message = f"{model.cell_label(*key)}:{e}"
            editor.setStyleSheet(INVALID_STYLE)
            editor.setToolTip(message)
            editor.setProperty("problem", message)
            return message
        editor.setStyleSheet("")
        editor.setToolTip("")
        editor.setProperty("problem", None)
        return None

    def eventFilter(self, editor, event) -> bool:
        if (event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab,
                                    Qt.Key.Key_Backtab)
                and isinstance(editor, QLineEdit) and editor.property("problem")):
            # Keep the editor open on a bad value: the message says what to type instead.
            QToolTip.showText(editor.mapToGlobal(editor.rect().bottomLeft()),
                              editor.property("problem"), editor)
            return True
        return super().eventFilter(editor, event)


class StatisticsView(QTableView):
    """QTableView with spreadsheet keys: typing replaces, Enter/Tab move on, Delete clears,
    Ctrl+C / Ctrl+V copy and paste tab-separated blocks."""

    message = Signal(str)  # what a paste or an edit refused, for the window to show

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setItemDelegate(CellDelegate(self))
        self.setCornerButtonEnabled(False)
        self.setWordWrap(False)
        self.corner_label = QLabel(self)
        self.corner_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.corner_label.setObjectName("cornerLabel")

    def use_form(self, form) -> None:
        """Install the printed-form header; called once the model is set."""
        header = GroupedHeaderView(form, self)
        self.setHorizontalHeader(header)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.verticalHeader().setMinimumWidth(self.fontMetrics().horizontalAdvance("案件类别") + 24)
        self.corner_label.setText(form.category_heading)
        # As tall as the form itself: the notes follow right under it, as on paper.
        # (Its size policy, Expanding × Fixed, is in the .ui files: QSizePolicy's Python
        # types would cost the first paint about 1 ms.)
        self.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 14)
        # Laid out now, not a turn after its page: a grid as tall as its contents counts its
        # header at the header's present height, Qt's 30 px until the view lays the header
        # out. A page laid out before that (本市汇总, made in its showEvent) showed its first
        # frame with the grid 43 px short, 其他 cut and 合计 hidden.
        self.doItemsLayout()

    def updateGeometries(self) -> None:
        super().updateGeometries()
        self.corner_label.setGeometry(self.frameWidth(), self.frameWidth(),
                                      self.verticalHeader().width(),
                                      self.horizontalHeader().height())

    # ------------------------------------------------------------ keys

    def keyPressEvent(self, event) -> None:
        from PySide6.QtGui import QKeySequence  # see menus.give_shortcuts

        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            return
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste()
            return
        step = self._page_step(event)
        if step:
            self._turn_page(step)
            return
        if self.state() != QAbstractItemView.State.EditingState:
            if self._refuse_typing(event):
                return
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.model().clear(self.selectedIndexes())
                return
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.move_down()
                return
        super().keyPressEvent(event)

    @staticmethod
    def _page_step(event) -> int:
        """Ctrl+Tab / Ctrl+PgDn: the next page of the window, Ctrl+Shift+Tab / Ctrl+PgUp the
        previous one, as a spreadsheet turns its sheets (Tab alone goes to the next cell)."""
        if not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            return 0
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        return {Qt.Key.Key_Tab: -1 if shift else 1, Qt.Key.Key_Backtab: -1,
                Qt.Key.Key_PageDown: 1, Qt.Key.Key_PageUp: -1}.get(event.key(), 0)

    def _turn_page(self, step: int) -> None:
        tabs = self.parentWidget()
        while tabs is not None and not isinstance(tabs, QTabWidget):
            tabs = tabs.parentWidget()
        if tabs is not None and tabs.count() > 1:
            tabs.setCurrentIndex((tabs.currentIndex() + step) % tabs.count())

    def _refuse_typing(self, event) -> bool:
        """Typing where nothing can be typed says why, instead of doing nothing."""
        text = event.text()
        if not text or not text.isprintable() or event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return False
        model, index = self.model(), self.currentIndex()
        if getattr(model, "read_only", False) and hasattr(model, "locked_message"):
            self.message.emit(model.locked_message())
            return True
        if index.isValid() and hasattr(model, "total_row") and index.row() == model.total_row:
            self.message.emit(self.tr("合计由各类别自动相加,不能直接填写。"))
            return True
        return False

    def closeEditor(self, editor, hint) -> None:
        Hint = QAbstractItemDelegate.EndEditHint
        # Like a spreadsheet: after Enter/Tab the next cell is selected, not opened.
        super().closeEditor(editor, Hint.NoHint if hint in (Hint.EditNextItem,
                                                            Hint.EditPreviousItem) else hint)
        if hint == Hint.SubmitModelCache:
            self.move_down()
        elif hint == Hint.EditNextItem:
            self.move_across(1)
        elif hint == Hint.EditPreviousItem:
            self.move_across(-1)

    def move_down(self) -> None:
        current = self.currentIndex()
        if current.isValid() and current.row() < self.model().total_row - 1:
            self.setCurrentIndex(self.model().index(current.row() + 1, current.column()))

    def move_across(self, step: int) -> None:
        """Tab / Shift+Tab: the next cell in reading order, over the editable rows."""
        current = self.currentIndex()
        if not current.isValid():
            return
        columns = self.model().columnCount()
        position = current.row() * columns + current.column() + step
        if 0 <= position < self.model().total_row * columns:
            self.setCurrentIndex(self.model().index(position // columns, position % columns))

    # ------------------------------------------------------------ clipboard

    def copy_selection(self) -> None:
        text = self.model().copy_text(self.selectedIndexes())
        if text:
            QGuiApplication.clipboard().setText(text)

    def paste(self) -> None:
        selected = self.selectedIndexes()
        anchor: QModelIndex = self.currentIndex()
        if selected:
            top = min(i.row() for i in selected)
            left = min(i.column() for i in selected)
        elif anchor.isValid():
            top, left = anchor.row(), anchor.column()
        else:
            top = left = 0
        problems = self.model().paste_text(QGuiApplication.clipboard().text(), top, left,
                                           fill=selected if len(selected) > 1 else None)
        if problems:
            self.message.emit("\n".join(problems))
