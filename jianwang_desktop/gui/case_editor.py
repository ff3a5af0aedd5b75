"""The pane that edits one case of 附件2; every finished field is handed on to be stored."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QGridLayout, QGroupBox, QLabel, QLineEdit,
                               QPlainTextEdit, QVBoxLayout, QWidget)

from ..core.formdef import FormDefinition
from ..core.money import NumberError
from ..core.records import CaseRecord
from ..core.validation import parse_cell, validate_case
from .statistics_model import display_value
from .uiload import MadeWhenShown, child, load_ui

INVALID_STYLE = "background: #f8c9c4;"
LINE_FIELDS = {"number": "numberEdit", "name": "nameEdit", "handling_unit": "handlingUnitEdit"}
TEXT_FIELDS = {"summary": "summaryEdit", "result": "resultEdit", "remarks": "remarksEdit"}
AUTOSAVE_MS = 700  # a multi-line text is stored this long after the last keystroke


class CaseEditor(MadeWhenShown, QWidget):
    """Its fields are made after the window's first paint (`build()`), or earlier when
    shown or asked for: the window opens on 附件1, and a first combo box and text box cost
    Qt several milliseconds to make. Until then it keeps the case and sources it is given."""

    committed = Signal(object)  # a CaseRecord that differs from the one shown: store it

    def __init__(self, form: FormDefinition, parent=None):
        super().__init__(parent)
        self.form = form
        self._case: CaseRecord | None = None
        self._index = 0
        self._loading = False
        self._sources: list[str] = []
        self._fields: dict[str, QWidget] = {}
        # Fields the store refused (a number another case has): {key: (value refused, the
        # message shown, the store's reason)}, kept marked through the checks that follow
        # until the value changes or is stored.
        self._store_refused: dict[str, tuple[object, str, str]] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    @property
    def fields(self) -> dict[str, QWidget]:
        self.build()
        return self._fields

    def _make(self) -> None:
        form = self.form
        self.ui = load_ui("case_editor", self)
        self.layout().addWidget(self.ui)
        for key, name in LINE_FIELDS.items():
            edit = child(self.ui, QLineEdit, name)
            edit.setMaxLength(form.case_column(key).max_length)
            edit.editingFinished.connect(self.commit)
            edit.textChanged.connect(self.check)
            self._fields[key] = edit
        self.source: QComboBox = child(self.ui, QComboBox, "sourceCombo")
        self.source.lineEdit().editingFinished.connect(self.commit)
        self.source.activated.connect(lambda _: self.commit())
        self.source.currentTextChanged.connect(self.check)
        self._fields["source"] = self.source
        self.category: QComboBox = child(self.ui, QComboBox, "categoryCombo")
        self.category.addItems(form.categories)
        self.category.setPlaceholderText(self.tr("请选择"))
        self.category.currentIndexChanged.connect(lambda _: self.commit())
        self._fields["category"] = self.category
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.commit)
        for key, name in TEXT_FIELDS.items():
            edit = child(self.ui, QPlainTextEdit, name)
            edit.textChanged.connect(self._text_changed)
            edit.installEventFilter(self)
            self._fields[key] = edit
        box = child(self.ui, QGroupBox, "measuresBox")
        grid: QGridLayout = box.layout()
        self.measure_edits: dict[str, QLineEdit] = {}
        for i, measure in enumerate(form.measures):
            caption = QLabel(f"{measure.label}({measure.unit}):", box)
            edit = QLineEdit(box)
            edit.setObjectName(f"measure_{measure.key}")
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.editingFinished.connect(lambda e=edit, m=measure: self._show_as_stored(e, m))
            edit.editingFinished.connect(self.commit)
            edit.textChanged.connect(self.check)
            caption.setBuddy(edit)
            grid.addWidget(caption, i // 2, (i % 2) * 2)
            grid.addWidget(edit, i // 2, (i % 2) * 2 + 1)
            self.measure_edits[measure.key] = edit
            self._fields[measure.key] = edit
        self.problem_label: QLabel = child(self.ui, QLabel, "problemLabel")
        # Tab goes through the fields as they appear, the generated number fields included.
        order = [self._fields[k] for k in (*LINE_FIELDS, "source", "category")]
        order += list(self.measure_edits.values()) + [self._fields[k] for k in TEXT_FIELDS]
        for first, second in zip(order, order[1:]):
            QWidget.setTabOrder(first, second)
        self.set_sources(self._sources)
        self._show_case(self._case)

    # ------------------------------------------------------------ showing

    def set_sources(self, sources: list[str]) -> None:
        self._sources = list(sources)
        if not self.built:
            return
        text = self.source.currentText()
        self._loading = True
        self.source.clear()
        self.source.addItems(sources)
        self.source.setCurrentText(text)
        self._loading = False

    def case(self) -> CaseRecord | None:
        return self._case

    def set_case(self, case: CaseRecord | None, index: int = 0) -> None:
        """Show `case` (position `index` in the month, for messages); None empties the pane."""
        self.flush()
        self._case, self._index = case, index
        if self.built:
            self._show_case(case)
        elif case is not None:
            self.build()  # which shows it

    def _show_case(self, case: CaseRecord | None) -> None:
        self._store_refused.clear()
        self._loading = True
        try:
            self.ui.setEnabled(case is not None)
            shown = case or CaseRecord()
            for key in LINE_FIELDS:
                self._fields[key].setText(shown.text(key))
            for key in TEXT_FIELDS:
                self._fields[key].setPlainText(shown.text(key))
            self.source.setCurrentText(shown.source)
            self.category.setCurrentIndex(
                self.form.categories.index(shown.category) if shown.category in self.form.categories else -1)
            for key, edit in self.measure_edits.items():
                edit.setText(display_value(shown.measures.get(key)))
        finally:
            self._loading = False
        self.check()

    # ------------------------------------------------------------ editing

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and isinstance(watched, QPlainTextEdit):
            self.commit()
        return super().eventFilter(watched, event)

    def _text_changed(self) -> None:
        if not self._loading:
            self._autosave.start()
            self.check()

    def _show_as_stored(self, edit: QLineEdit, measure) -> None:
        """A figure left is shown as it is stored (１.5 typed in full width: 1.5); a bad one
        stays as typed, marked, to be put right."""
        try:
            shown = display_value(parse_cell(measure, edit.text()))
        except NumberError:
            return
        if shown != edit.text():
            edit.setText(shown)

    def measure_problems(self) -> dict[str, str]:
        problems = {}
        for key, edit in (self.measure_edits.items() if self.built else ()):
            try:
                parse_cell(self.form.measure(key), edit.text())
            except NumberError as e:
                problems[key] = f"{self.form.measure(key).label}{e}"
        return problems

    def edited_case(self) -> CaseRecord | None:
        """The shown case with what the fields hold; a bad number keeps its stored value."""
        if self._case is None or not self.built:
            return None if self._case is None else self._case.copy()
        case = self._case.copy()
        for key in LINE_FIELDS:
            setattr(case, key, self._fields[key].text().strip())
        for key in TEXT_FIELDS:
            setattr(case, key, self._fields[key].toPlainText())
        case.source = self.source.currentText().strip()
        case.category = self.category.currentText()
        problems = self.measure_problems()
        for key, edit in self.measure_edits.items():
            if key in problems:
                continue
            value = parse_cell(self.form.measure(key), edit.text())
            if value is None:
                case.measures.pop(key, None)
            else:
                case.measures[key] = value
        return case

    def check(self) -> None:
        """Mark every field the core rules find fault with; the tooltip says why."""
        if self._loading or not self.built:
            return
        case = self.edited_case()
        messages: dict[str, list[str]] = {}
        if case is not None:
            for finding in validate_case(self.form, case, self._index):
                messages.setdefault(finding.field, []).append(finding.message)
        for key, problem in self.measure_problems().items():
            messages.setdefault(key, []).insert(0, problem)
        for key, (value, why, _reason) in list(self._store_refused.items()):
            if case is not None and getattr(case, key) == value:
                messages.setdefault(key, []).append(why)
            else:  # changed since: the next commit says whether the store takes it
                del self._store_refused[key]
        for key, widget in self._fields.items():
            widget.setStyleSheet(INVALID_STYLE if key in messages else "")
            widget.setToolTip("\n".join(messages.get(key, [])))
        self.refused("\n".join(m for ms in messages.values() for m in ms))

    def commit(self) -> None:
        if self._loading or self._case is None or not self.built:
            return
        self._autosave.stop()
        case = self.edited_case()
        if case != self._case:
            self.committed.emit(case)

    def flush(self) -> None:
        """Hand on what is typed but not yet committed (before switching case or closing)."""
        self.commit()

    def accepted(self, case: CaseRecord) -> None:
        """The window stored `case`: it is now what the pane edits."""
        self._case = case
        for key, (value, _why, _reason) in list(self._store_refused.items()):
            if getattr(case, key) == value:  # (refused, it stays as stored)
                del self._store_refused[key]

    def refused(self, message: str, fields: Iterable[str] = (), reason: str = "") -> None:
        """Under the numbers, where typing happens: shown only when there is a problem.
        `fields` the store refused (a number another case has) are marked as the rules'
        are, the message on hover: it is shown far below the 编号 field. `reason`, the
        store's own words without what the message adds, is what `unsaved` gives."""
        self.build()
        self.problem_label.setText(message)
        self.problem_label.setVisible(bool(message))
        edited = self.edited_case()
        for key in fields:
            widget = self._fields.get(key)
            if widget is not None and edited is not None:
                self._store_refused[key] = (getattr(edited, key), message, reason or message)
                widget.setStyleSheet(INVALID_STYLE)
                widget.setToolTip(message)

    def unsaved(self) -> list[tuple[str, str]]:
        """(field, why) for each field whose text the store refused and the pane still
        holds: it is nowhere else, and goes if the pane shows another case."""
        return [(key, self._store_refused[key][2]) for key in self.unsaved_values()]

    def unsaved_values(self) -> dict[str, object]:
        """{field: text} the store refused and the pane still holds."""
        edited = self.edited_case()
        if edited is None:
            return {}
        return {key: value for key, (value, _message, _reason) in self._store_refused.items()
                if getattr(edited, key) == value}

    def put_back(self, values: dict[str, object]) -> None:
        """Fill the fields with `values` (unsaved_values of before the case was shown
        again) and hand them on: the store refuses them again, and they are marked."""
        if self._case is not None and self.built:
            self._show_case(self._case.copy(**values))
            self.commit()

    def drop_unsaved(self) -> None:
        """The clerk let go of what the store refused: the pane shows the case as stored, so
        nothing asks about that text again (a close, a Ctrl+N after the answer)."""
        if self._store_refused and self.built:
            self._show_case(self._case)
