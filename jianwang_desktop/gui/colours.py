"""Cell backgrounds the forms share: a problem, a warning, a blank to fill, a total.

Colours, not brushes: a view paints a colour given for a background or text role as a
brush of it, and making the first QBrush from Python creates the Python types of Qt's
169 gradient presets (about 2 ms of every start, before the first paint).
"""

from __future__ import annotations

from PySide6.QtGui import QColor

ERROR_BACKGROUND = QColor("#f8c9c4")
WARNING_BACKGROUND = QColor("#fbe9b7")
BLANK_BACKGROUND = QColor("#eef3fa")
TOTAL_BACKGROUND = QColor("#f0f0f0")
