"""The window on a small laptop screen: nothing of the forms is cut off, the panel scrolls."""

import pytest

from gui_helpers import open_main  # noqa: F401


@pytest.mark.parametrize("size", [(1024, 600), (800, 560)])
def test_the_total_row_of_attachment_1_stays_whole_on_a_small_screen(qtbot, store, open_main,
                                                                       size):
    window = open_main()
    window.resize(*size)
    view, model = window.statistics_view, window.statistics_model
    # The notes and the key hint under the grid wrap to more lines when narrow; the grid,
    # as tall as its rows, must not give up the room they take (合计 was cut off).
    qtbot.waitUntil(lambda: window.size().width() == size[0])
    qtbot.wait(20)
    bottom = view.rowViewportPosition(model.total_row) + view.rowHeight(model.total_row)
    assert view.height() >= view.sizeHint().height()
    assert bottom <= view.viewport().height()
    # What does not fit the window is reached by scrolling the panel.
    assert window.panel.height() >= window.panel.minimumSizeHint().height()
