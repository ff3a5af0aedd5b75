"""Entry script for the PyInstaller build (build.spec)."""

import os
import sys


def point_qt_at_the_bundle() -> None:
    """What PyInstaller's PySide6 runtime hook did, without importing Qt (build.spec drops
    that hook so that the commands which never touch Qt do not load it)."""
    qt_dir = os.path.join(sys._MEIPASS, "PySide6")
    if sys.platform != "win32":
        qt_dir = os.path.join(qt_dir, "Qt")
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt_dir, "plugins")


if getattr(sys, "frozen", False):
    point_qt_at_the_bundle()

from jianwang_desktop.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
