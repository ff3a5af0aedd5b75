"""Entry script for the PyInstaller build (build.spec)."""

import sys

from jianwang_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
