"""The Designer forms in ui/ load through one shared loader that skips Designer's plugins."""

import re

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


def test_a_forms_widgets_are_made_from_python_our_own_classes_too(qtbot):
    """Made by Qt's loader in C++, each widget would reach Python through a search of
    every widget class deriving from its base (see uiload.FormLoader)."""
    from shiboken6 import Shiboken

    form = uiload.load_ui("main_panel", custom=(StatisticsView,))  # no parent: kept alive
    qtbot.addWidget(form)
    assert Shiboken.createdByPython(form)
    source = (ui_dir() / "main_panel.ui").read_text("utf-8")
    in_file = set(re.findall(r'<widget class="\w+" name="(\w+)"', source))
    named = [w for w in form.findChildren(QWidget) if w.objectName() in in_file]
    assert len(named) == len(in_file) - 1 > 15  # all but the form itself
    assert all(Shiboken.createdByPython(w) for w in named), [
        w.objectName() for w in named if not Shiboken.createdByPython(w)]
    view = form.findChild(StatisticsView, "statisticsView")
    assert type(view) is StatisticsView
    assert form.findChild(QWidget, "formTabs").count() == 3  # the pages found their places


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
