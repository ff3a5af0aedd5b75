"""The Designer forms in ui/ load through one shared loader that skips Designer's plugins."""

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from jianwang_desktop.core.resources import ui_dir
from jianwang_desktop.gui import uiload
from jianwang_desktop.gui.statistics_view import StatisticsView

FORMS = sorted(p.stem for p in ui_dir().glob("*.ui"))


@pytest.mark.parametrize("name", FORMS)
def test_every_form_loads_with_its_named_widgets(qtbot, name):
    parent = QWidget()
    qtbot.addWidget(parent)
    form = uiload.load_ui(name, parent, custom=(StatisticsView,))
    assert form.parent() is parent
    assert form.findChildren(QWidget)  # a form with widgets, not an empty shell


def test_the_loader_is_shared_and_leaves_the_plugin_paths_alone(qtbot):
    before = QCoreApplication.libraryPaths()
    first = uiload.load_ui("lock_banner")
    second = uiload.load_ui("lock_banner")
    qtbot.addWidget(first)
    qtbot.addWidget(second)
    assert first is not second
    assert uiload._loader() is uiload._loader()
    assert uiload._loader().pluginPaths() == []  # no Designer plugin is looked for, here or in .
    assert QCoreApplication.libraryPaths() == before  # image formats, styles: still found


def test_a_missing_form_is_said_in_chinese(qtbot):
    with pytest.raises(FileNotFoundError, match="界面文件"):
        uiload.load_ui("no_such_form")
