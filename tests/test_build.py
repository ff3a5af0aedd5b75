"""The PyInstaller build: build.spec freezes the program and the frozen program works.

Built once per session (about 40 s) into a temporary folder, then driven as a user would:
init, load, check, export, verify, print --pdf and --exit-after-start on a fresh database,
from a folder outside the checkout so that nothing can come from the source tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import MIANYANG, ROOT

pytest.importorskip("PyInstaller")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("pyinstaller")
    r = subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                        "--distpath", str(work / "dist"), "--workpath", str(work / "build"),
                        str(ROOT / "build.spec")],
                       capture_output=True, text=True, encoding="utf-8", errors="replace",
                       cwd=work, timeout=900)
    assert r.returncode == 0, r.stderr[-4000:]
    program = work / "dist" / "jianwang" / ("jianwang.exe" if os.name == "nt" else "jianwang")
    assert program.is_file()
    return program


def run_built(program, *args, cwd):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    r = subprocess.run([str(program), *map(str, args)], capture_output=True, cwd=cwd, env=env,
                       timeout=120)
    return r.returncode, r.stdout.decode("utf-8"), r.stderr.decode("utf-8")


def test_the_build_leaves_out_what_the_program_does_not_use(built):
    internal = built.parent / "_internal"
    names = {p.name for p in internal.rglob("*")}
    assert "resources" in names and "main_panel.ui" in names and "jianwang2015.json" in names
    assert not any(n.startswith(("numpy", "libQt6Network", "libQt6WaylandClient")) for n in names)
    assert not any(n.startswith("QtNetwork") for n in names)
    qt_translations = {p.name for p in internal.rglob("*.qm") if "PySide6" in p.parts}
    assert qt_translations and all(n.endswith("_zh_CN.qm") for n in qt_translations)


def test_the_build_starts_without_the_runtime_hooks_it_does_not_need(built):
    from PyInstaller.archive.readers import CArchiveReader

    # What the executable runs before the program: PyInstaller's bootstrap, the runtime hooks
    # it kept, and the entry script (typecode "s").
    scripts = {name for name, entry in CArchiveReader(str(built)).toc.items() if entry[-1] == "s"}
    assert "jianwang_main" in scripts
    assert not scripts & {"pyi_rth_pyside6", "pyi_rth_inspect", "pyi_rth_pkgutil",
                          "pyi_rth_multiprocessing"}, scripts
    internal = built.parent / "_internal"
    assert (internal / "jianwang_desktop" / "cli.pyc").is_file()  # noarchive: plain .pyc files
    assert not (internal / "multiprocessing").exists()
    # shiboken6's support modules compiled, not compiled from embedded source at every start
    assert (internal / "shiboken6" / "files.dir" / "shibokensupport" / "signature" / "loader.pyc").is_file()


def test_the_built_program_runs_the_whole_month(built, tmp_path):
    import json

    from jianwang_desktop.core.formdef import load_form
    from jianwang_desktop.core.interchange import dumps, month_to_dict
    from sample_data import sample_month

    form = load_form()
    data = tmp_path / "2015-08.json"
    data.write_text(dumps(month_to_dict(form, MIANYANG, sample_month(form, cases=5))), encoding="utf-8")
    db = tmp_path / "office" / "jianwang.db"
    (tmp_path / "out").mkdir()

    def ok(*args):
        code, out, err = run_built(built, "--db", db, *args, cwd=tmp_path)
        assert code == 0, f"{args}: {out}{err}"
        return out

    assert "已设置填报信息:绵阳市版权局" in ok("init", "--region", "绵阳市", "--department", "版权局",
                                         "--filler", "张三", "--phone", "0816-2345678")
    assert "案件 5 条" in ok("load", data)  # jsonschema and its meta-schemas, frozen
    assert "校验通过" in ok("check", "--month", "2015-08")
    assert "第1版" in ok("export", "--month", "2015-08", "--out", tmp_path / "out")  # openpyxl, cryptography
    bundle = next((tmp_path / "out").glob("*.zip"))
    assert "验证通过" in ok("verify", bundle)
    assert "已导出" in ok("print", "--month", "2015-08", "--pdf", tmp_path / "month.pdf")  # Qt print, segno
    assert (tmp_path / "month.pdf").read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "month.pdf"), "-"], capture_output=True,
                              text=True, encoding="utf-8").stdout
        assert "绵阳市版权局" in text
    assert json.loads(ok("dump", "--month", "2015-08"))["cases"][0]["name"] == "某音乐网站未经许可传播音乐作品案1"
    assert "主窗口已打开并绘制" in ok("--exit-after-start")


def test_the_built_program_starts_on_a_fresh_database_and_refuses_what_is_not_ours(built, tmp_path):
    code, out, err = run_built(built, "--db", tmp_path / "fresh.db", "--exit-after-start", cwd=tmp_path)
    assert code == 0 and "主窗口已打开并绘制" in out, err
    (tmp_path / "other.db").write_text("这不是数据库", encoding="utf-8")
    code, out, err = run_built(built, "--db", tmp_path / "other.db", "--exit-after-start", cwd=tmp_path)
    assert code == 2 and "不是本程序的数据库文件" in err and "Traceback" not in err


def test_the_spec_freezes_the_startup_benchmarks_bare_window_the_same_way(tmp_path, monkeypatch):
    # benchmarks/bench_startup.py compares the built program with this build (JIANWANG_SPEC_ENTRY)
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    # benchlib gives the benchmarks an office PC's screen: the rest of the suite keeps its own
    monkeypatch.setenv("QT_QPA_PLATFORM", os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    from bench_startup import build_frozen_bare_window

    bare = build_frozen_bare_window(tmp_path)
    from PyInstaller.archive.readers import CArchiveReader

    scripts = {name for name, entry in CArchiveReader(str(bare)).toc.items() if entry[-1] == "s"}
    assert "bare_window" in scripts and not scripts & {"pyi_rth_pyside6", "pyi_rth_inspect",
                                                        "pyi_rth_pkgutil", "jianwang_main"}, scripts
    internal = bare.parent / "_internal"
    assert (internal / "PySide6" / "__init__.pyc").is_file()  # noarchive, as the program
    assert (internal / "shiboken6" / "files.dir" / "shibokensupport" / "signature" / "loader.pyc").is_file()
    assert not (internal / "jianwang_desktop").exists() and not (internal / "resources").exists()
    code, out, err = run_built(bare, cwd=tmp_path)
    assert code == 0 and out.strip() == "painted", err
