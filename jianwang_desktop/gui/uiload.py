"""Qt Designer files from ui/, loaded at run time (no generated code to keep in sync).

Our own widget classes used in a .ui file (promoted widgets) are registered with the
loader through `custom`, so the file names the class and the loader builds it.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QCoreApplication, QFile, QIODevice
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QWidget

from ..core.resources import ui_dir


_registered: set[type] = set()  # our widget classes the loader knows


@cache
def _loader() -> QUiLoader:
    """One loader for every form, made without Qt Designer's plugin folders: a new
    QUiLoader loads each Designer plugin it finds there (PySide's own, Qt Quick's, Qt
    WebEngine's, with their libraries) although our forms use only standard widgets and
    our own registered classes. That cost a few hundredths of a second at every start."""
    paths = QCoreApplication.libraryPaths()
    QCoreApplication.setLibraryPaths([])
    try:
        loader = QUiLoader()
    finally:
        QCoreApplication.setLibraryPaths(paths)
    return loader


def load_ui(name: str, parent: QWidget | None = None, custom: tuple[type, ...] = ()) -> QWidget:
    path = ui_dir() / f"{name}.ui"
    file = QFile(str(path))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(f"界面文件 {path} 无法打开")
    loader = _loader()
    for cls in custom:
        if cls not in _registered:
            loader.registerCustomWidget(cls)
            # PySide adds an empty plugin path with it, which has the loader look for
            # Designer plugins in the current folder at the next load: none wanted.
            loader.clearPluginPaths()
            _registered.add(cls)
    try:
        widget = loader.load(file, parent)
    finally:
        file.close()
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


def make_title(label, grow: int = 3) -> None:
    """A page's heading: bold and a few points larger than the text under it."""
    font = label.font()
    font.setPointSize(font.pointSize() + grow)
    font.setBold(True)
    label.setFont(font)
