"""The core must work without Qt: importing every core module pulls in no PySide6."""

import pkgutil
import subprocess
import sys

import jianwang_desktop.core as core

from conftest import ROOT


def core_modules() -> list[str]:
    return [f"jianwang_desktop.core.{m.name}" for m in pkgutil.iter_modules(core.__path__)]


def test_core_has_modules():
    names = core_modules()
    for expected in ("store", "validation", "formdef", "interchange", "money", "migrations"):
        assert f"jianwang_desktop.core.{expected}" in names


def test_importing_the_core_and_cli_loads_no_qt():
    code = (
        "import importlib, sys\n"
        f"for name in {core_modules()!r} + ['jianwang_desktop.cli']:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         check=True)
    assert out.stdout.strip() == ""


def test_cli_commands_without_gui_load_no_qt(tmp_path):
    code = (
        "import sys\n"
        "from jianwang_desktop.cli import main\n"
        f"main(['--db', {str(tmp_path / 'x.db')!r}, 'init', '--region', '绵阳市',"
        " '--department', '版权局', '--filler', '张三', '--phone', '0816-2345678'])\n"
        f"main(['--db', {str(tmp_path / 'x.db')!r}, 'check', '--month', '2015-08'])\n"
        "print('QT=' + str(any(m.startswith('PySide6') for m in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         encoding="utf-8")
    assert "QT=False" in out.stdout, out.stderr


def test_import_linter_contract_holds():
    out = subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command;"
                          "lint_imports_command()"], capture_output=True, text=True, cwd=ROOT,
                         encoding="utf-8")
    assert "Contracts: 1 kept, 0 broken." in out.stdout, out.stdout + out.stderr
