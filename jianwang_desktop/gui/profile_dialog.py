"""The office's details: the first-run setup dialog and the settings dialog."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QLabel, QLineEdit,
                               QPlainTextEdit, QVBoxLayout, QWidget)

from ..core.domain import Profile, geography
from ..core.errors import UserError
from ..core.validation import ERROR, Finding, validate_profile
from .uiload import child, load_ui

INVALID_STYLE = "background: #f8c9c4;"


class ProfileFields(QWidget):
    """市(州), 部门, 填报单位, 填报人, 联系电话, checked as they are typed."""

    problems_shown = Signal()  # the list of problems changed: the dialog may need to grow

    def __init__(self, profile: Profile | None, parent=None):
        super().__init__(parent)
        self.ui = load_ui("profile_fields", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.ui)
        self.region: QComboBox = child(self.ui, QComboBox, "regionCombo")
        self.department: QComboBox = child(self.ui, QComboBox, "departmentCombo")
        self.unit: QLineEdit = child(self.ui, QLineEdit, "unitEdit")
        self.filler: QLineEdit = child(self.ui, QLineEdit, "fillerEdit")
        self.phone: QLineEdit = child(self.ui, QLineEdit, "phoneEdit")
        self.problem_label: QLabel = child(self.ui, QLabel, "problemLabel")
        self._unit_typed = profile is not None
        self._touched: set[str] = set()

        geo = geography()
        self.region.addItems([*geo.regions, geo.province])
        self.region.currentTextChanged.connect(self._region_changed)
        self.department.currentTextChanged.connect(self._suggest_unit)
        self.unit.textEdited.connect(lambda _: setattr(self, "_unit_typed", True))
        for key, edit in (("unit", self.unit), ("filler", self.filler), ("phone", self.phone)):
            edit.textEdited.connect(lambda _, k=key: (self._touched.add(k), self.check()))
            edit.editingFinished.connect(lambda k=key: (self._touched.add(k), self.check()))
        if profile is not None:
            self.region.setCurrentText(profile.region)
            self._region_changed(profile.region)
            self.department.setCurrentText(profile.department)
            self.unit.setText(profile.unit)
            self.filler.setText(profile.filler)
            self.phone.setText(profile.phone)
        else:
            self.region.setCurrentIndex(-1)
            self.region.setPlaceholderText(self.tr("请选择市(州)"))
        self.check()

    def _region_changed(self, region: str) -> None:
        self.department.blockSignals(True)
        self.department.clear()
        self.department.addItems([d.name for d in geography().departments_of(region)])
        self.department.blockSignals(False)
        self._suggest_unit()

    def _suggest_unit(self) -> None:
        if not self._unit_typed and self.region.currentText() and self.department.currentText():
            self.unit.setText(geography().default_unit(self.region.currentText(),
                                                       self.department.currentText()))
        self.check()

    def profile(self) -> Profile:
        return Profile(self.region.currentText().strip(), self.department.currentText().strip(),
                       self.unit.text().strip(), self.filler.text().strip(),
                       self.phone.text().strip())

    def check(self, show_all: bool = False) -> bool:
        """Mark the fields in error (those already typed in, or all); True when all is well."""
        findings = validate_profile(self.profile())
        if not self.region.currentText():
            findings = [Finding(ERROR, self.tr("请选择市(州)。"), "profile", field="region")] + [
                f for f in findings if f.field not in ("region", "department")]
        shown = [f for f in findings if show_all or f.field in self._touched]
        fields = {"region": self.region, "department": self.department, "unit": self.unit,
                  "filler": self.filler, "phone": self.phone}
        bad = {f.field for f in shown}
        for key, widget in fields.items():
            widget.setStyleSheet(INVALID_STYLE if key in bad else "")
            widget.setToolTip("\n".join(f.message for f in shown if f.field == key))
        self.show_problems([f.message for f in shown])
        return not findings

    def show_problems(self, messages: list[str]) -> None:
        """One sentence a line, each ending with 。"""
        text = "\n".join(m if m.endswith(("。", "!", "?", ":")) else m + "。"
                         for m in (m.strip() for m in messages) if m)
        label = self.problem_label
        label.setVisible(bool(text))
        if text != label.text():
            label.setText(text)
            self._fit_label()
            self.problems_shown.emit()

    def _fit_label(self) -> None:
        """A wrapped label inside nested layouts is otherwise given its one-line height."""
        label = self.problem_label
        if self.isVisible() and label.text():
            label.setMinimumHeight(label.heightForWidth(label.width()))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit_label()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_label()


class _ProfileDialog(QDialog):
    ui_name = ""

    def __init__(self, store, parent=None):
        super().__init__(parent)
        self.store = store
        self.ui = load_ui(self.ui_name, self)
        QVBoxLayout(self).addWidget(self.ui)
        self.setWindowTitle(self.ui.windowTitle())
        self.fields = ProfileFields(store.profile(), self)
        child(self.ui, QWidget, "fieldsHost").layout().addWidget(self.fields)
        self.fields.problems_shown.connect(self._fit)
        self.buttons: QDialogButtonBox = child(self.ui, QDialogButtonBox, "buttonBox")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        # The fields are made after the buttons: first in the Tab order, and typed into first.
        QWidget.setTabOrder(self.fields.phone, self.buttons)
        self.fields.region.setFocus()

    def save(self) -> None:
        self.store.set_profile(self.fields.profile())

    def accept(self) -> None:
        if not self.fields.check(show_all=True):
            return
        try:
            self.save()
        except UserError as e:
            self.fields.show_problems(str(e).split("\n"))
            return
        super().accept()

    def _fit(self) -> None:
        """Tall enough for every problem line: never a clipped list."""
        widget = self.fields.problem_label.parentWidget()
        while widget is not None:  # the nested layouts learn the new size at once, inner first
            if widget.layout() is not None:
                widget.layout().invalidate()
                widget.layout().activate()
            widget = None if widget is self else widget.parentWidget()
        needed = self.sizeHint().height()
        if self.height() < needed:
            self.resize(self.width(), needed)


class SetupDialog(_ProfileDialog):
    """Shown at first run, while the database has no profile."""

    ui_name = "setup_dialog"


class SettingsDialog(_ProfileDialog):
    """The office's details and the 案件来源 choices, changed later."""

    ui_name = "settings_dialog"

    def __init__(self, store, parent=None):
        super().__init__(store, parent)
        self.sources: QPlainTextEdit = child(self.ui, QPlainTextEdit, "sourcesEdit")
        self.sources.setPlainText("\n".join(store.case_sources()))
        from ..core.signing import grouped, installation_public_key

        public = installation_public_key(store.path)
        child(self.ui, QLabel, "keyFingerprintLabel").setText(
            grouped(public.fingerprint) if public else self.tr("尚未生成(第一次导出时自动生成)"))

    def save(self) -> None:
        profile = self.fields.profile()
        sources = self.sources.toPlainText().split("\n")
        self.store.set_case_sources(sources)  # refuses an empty list before anything is written
        self.store.set_profile(profile)
