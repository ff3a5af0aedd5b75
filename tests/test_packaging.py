"""Resources and Designer files are found from an installed wheel, not only the checkout."""

import shutil
import subprocess
import sys

from conftest import ROOT


def test_installed_wheel_finds_resources_and_ui(tmp_path):
    wheels, target, source = tmp_path / "wheels", tmp_path / "site", tmp_path / "source"
    # Build from a copy: setuptools leaves a build/ folder in the tree it builds.
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(source)],
                   check=True, capture_output=True, cwd=tmp_path)
    wheel = next(wheels.glob("*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, cwd=tmp_path)
    code = (
        "import jianwang_desktop.core.resources as r, jianwang_desktop.core.formdef as f\n"
        "print(r.resources_dir()); print(r.ui_dir()); print(f.load_form().campaign)\n"
        "print((r.ui_dir() / 'main_panel.ui').is_file())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         encoding="utf-8", cwd=tmp_path, env={"PYTHONPATH": str(target),
                                                             "PATH": "/usr/bin:/bin"})
    lines = out.stdout.split("\n")
    assert out.returncode == 0, out.stderr
    assert lines[0].startswith(str(target)) and lines[0].endswith("_resources")
    assert lines[1].startswith(str(target)) and lines[1].endswith("_ui")
    assert lines[2] == "剑网2015" and lines[3] == "True"
