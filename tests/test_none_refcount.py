"""PySide6 6.12.0 on CPython 3.11 drops a reference to None on every void Qt call and the
process aborts ("none_dealloc") after a few thousand; pyproject.toml keeps PySide6 below
6.12. This test fails if a version with that bug is installed."""

import subprocess
import sys

from conftest import ROOT

MANY_VOID_CALLS = """
import os
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
import jianwang_desktop.gui
from PySide6.QtGui import QFont, QGuiApplication
app = QGuiApplication([])
font = QFont()
for _ in range(200_000):
    font.setBold(True)
print("done")
"""


def test_many_qt_calls_do_not_free_none():
    result = subprocess.run([sys.executable, "-c", MANY_VOID_CALLS], capture_output=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert result.stdout.strip() == b"done"
