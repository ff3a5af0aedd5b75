"""The red bar above the forms: the problem of the last action, and only that one.

It never makes the window taller: the text sits in a scroll area whose minimum is one
line, so a long list of refused cells scrolls inside the bar when space is short.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QSizePolicy, QToolButton

MAX_LINES = 4  # taller messages scroll inside the bar


class MessageBar(QFrame):
    closed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.setStyleSheet("QFrame#messageBar { background: #fdecea; border-radius: 3px; }"
                           " QLabel { color: #b3261e; background: transparent; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 2, 2)
        self.label = QLabel(self)
        self.label.setObjectName("messageLabel")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.scroll = QScrollArea(self)
        self.scroll.setWidget(self.label)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setStyleSheet("QScrollArea, QScrollArea > QWidget > QWidget"
                                  " { background: transparent; }")
        line = self.fontMetrics().lineSpacing()
        self.scroll.setMinimumHeight(line + 4)
        self.scroll.setMaximumHeight(line * MAX_LINES + 4)
        self.scroll.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("messageCloseButton")
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip(self.tr("关闭这条提示"))
        self.close_button.clicked.connect(self._close)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def text(self) -> str:
        return self.label.text()

    def set_text(self, text: str) -> None:
        """Show `text`, replacing what was shown; empty text hides the bar."""
        self.label.setText(text)
        self.setVisible(bool(text))
        self.updateGeometry()

    def _close(self) -> None:
        self.set_text("")
        self.closed.emit()
