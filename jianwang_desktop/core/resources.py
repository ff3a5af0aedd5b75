"""Where the data files live: a source checkout, an installed wheel or a PyInstaller bundle.

The top-level folders `resources/` and `ui/` of the checkout are installed into the
wheel as `jianwang_desktop/_resources` and `jianwang_desktop/_ui` (see pyproject.toml);
build.spec copies them to `resources/` and `ui/` beside the frozen program.
"""

from __future__ import annotations

import sys
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _find(folder: str, installed_name: str) -> Path:
    candidates = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        candidates.append(Path(frozen_root) / folder)
    candidates.append(_PACKAGE_DIR / installed_name)
    candidates.append(_PACKAGE_DIR.parent / folder)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"找不到程序数据文件夹 {folder}/(程序安装不完整,请重新安装)。")


@cache
def resources_dir() -> Path:
    return _find("resources", "_resources")


@cache
def ui_dir() -> Path:
    return _find("ui", "_ui")


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
