"""Qt Designer files from ui/, loaded at run time (no generated code to keep in sync).

Our own widget classes used in a .ui file (promoted widgets) are given to the loader
through `custom`, so the file names the class and the loader builds it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from PySide6 import QtWidgets
from PySide6.QtCore import QCoreApplication
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

from ..core.resources import ui_dir


class FormLoader(QUiLoader):
    """Makes the forms' widgets from Python, our own classes (`classes`) among them.

    A widget Qt's loader made in C++ reaches Python by a pointer of a base class, and
    PySide finds its real class by trying every class derived from that base, creating
    each one's Python enum types on the way: the first form loaded made those of some
    thirty widget classes (dialogs, wizards, MDI areas) none of ours uses, about 6 ms of
    every start. A widget made from Python has its class already. What is returned here
    belongs to Qt (PySide hands it over), as what Qt's loader makes does."""

    # Qt's loader makes the pages of these without a parent (their insertion gives one),
    # so a page is sized as a window until it is first laid out: the same here.
    PAGE_HOLDERS = (QtWidgets.QTabWidget, QtWidgets.QStackedWidget, QtWidgets.QToolBox)

    def __init__(self):
        super().__init__()
        self.classes: dict[str, type] = {}

    def createWidget(self, class_name: str, parent: QWidget | None = None,
                     name: str = "") -> QWidget:
        cls = self.classes.get(class_name) or getattr(QtWidgets, class_name, None)
        if not (isinstance(cls, type) and issubclass(cls, QWidget)):
            return super().createWidget(class_name, parent, name)  # e.g. Designer's "Line"
        widget = cls(None if isinstance(parent, self.PAGE_HOLDERS) else parent)
        widget.setObjectName(name)
        return widget

    def load_file(self, path: Path, parent: QWidget | None) -> QWidget | None:
        if not path.is_file():
            raise FileNotFoundError(f"界面文件 {path} 无法打开")
        # By its path, not through a QFile: no Python types of QFile's enums to create.
        return self.load(str(path), parent)


@cache
def _loader() -> FormLoader:
    """One loader for every form, made without Qt Designer's plugin folders: a new
    QUiLoader loads each Designer plugin it finds there (PySide's own, Qt Quick's, Qt
    WebEngine's, with their libraries) although our forms use only standard widgets and
    our own classes. That cost a few hundredths of a second at every start."""
    paths = QCoreApplication.libraryPaths()
    QCoreApplication.setLibraryPaths([])
    try:
        loader = FormLoader()
    finally:
        QCoreApplication.setLibraryPaths(paths)
    return loader


def load_ui(name: str, parent: QWidget | None = None, custom: tuple[type, ...] = ()) -> QWidget:
    """The form ui/<name>.ui; `custom` are our widget classes it names (promoted widgets)."""
    path = ui_dir() / f"{name}.ui"
    loader = _loader()
    loader.classes.update((cls.__name__, cls) for cls in custom)
    widget = loader.load_file(path, parent)
    if widget is None:
        raise RuntimeError(f"界面文件 {path} 无法加载:{loader.errorString()}")
    return widget


class MadeWhenShown:
    """Mixed into a QWidget (before it) whose contents, `ui`, are made by `_make()` when it
    is first shown or first needed (`build()`), not with the window: what the first paint
    does not show then costs nothing before it. Made while hidden (`build()` after the
    first paint) is better still: made in its showEvent, a page inside a scroll area
    needs a few turns of the event loop to settle its layout."""

    ui: QWidget | None = None

    @property
    def built(self) -> bool:
        return self.ui is not None

    def build(self) -> None:
        if self.ui is None:
            self._make()

    def _make(self) -> None:
        raise NotImplementedError

    def showEvent(self, event) -> None:
        self.build()
        super().showEvent(event)


def child(root: QWidget, cls: type, name: str):
    """A named child from a loaded form; a missing one is a broken .ui file, said loudly."""
    widget = root.findChild(cls, name)
    if widget is None:
        raise RuntimeError(f"界面文件中缺少 {cls.__name__} “{name}”")
    return widget


def embed(page: QWidget, name: str, custom: tuple[type, ...] = ()) -> QWidget:
    """Load a .ui form as the whole content of `page` (no margins of its own)."""
    from PySide6.QtWidgets import QVBoxLayout

    form = load_ui(name, page, custom)
    layout = QVBoxLayout(page)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(form)
    return form


# A window's borders and title bar, allowed for in sizing it to the screen: known only once
# it is shown.
WINDOW_FRAME = 16, 48


def resize_within_screen(widget, width: int, height: int) -> None:
    """`width`×`height`, or less where that and the window frame do not fit the screen
    above its taskbar."""
    area = widget.screen().availableGeometry()
    widget.resize(min(width, area.width() - WINDOW_FRAME[0]),
                  min(height, area.height() - WINDOW_FRAME[1]))


def make_title(label, grow: int = 3) -> None:
    """A page's heading: bold and a few points larger than the text under it."""
    font = label.font()
    font.setPointSize(font.pointSize() + grow)
    font.setBold(True)
    label.setFont(font)
