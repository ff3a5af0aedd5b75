import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# No example may fail for taking long: hypothesis's default 200 ms deadline is a timed test,
# and a store round trip on a busy machine (CI, or Xvfb sessions beside) passed it now and
# then (test_interchange's round trip). Speed is measured in benchmarks/, not here.
settings.register_profile("jianwang", deadline=None)
settings.load_profile("jianwang")

from jianwang_desktop.core.domain import Profile  # noqa: E402
from jianwang_desktop.core.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

MIANYANG = Profile("绵阳市", "版权局", "绵阳市版权局", "张三", "0816-2345678")


@pytest.fixture(autouse=True)
def refused_text_let_go_when_a_window_closes(monkeypatch):
    """A main window left with text the store refused asks, when it closes or its case
    pane moves on, whether to let that text go (MainWindow.refused_edits_kept). A GUI test
    that leaves such text answers the question itself; any other question is answered yes,
    as the window closing at the test's end would otherwise wait for a click, and fails the
    test: it was asked where nothing had been refused. (Core tests never load the GUI.)"""
    asked = []
    main_window = sys.modules.get("jianwang_desktop.gui.main_window")
    if main_window is not None:
        monkeypatch.setattr(main_window.MainWindow, "ask_to_drop_unsaved",
                            lambda self, text: asked.append(text) or True)
    yield
    assert not asked, f"a question about refused text no test step answered: {asked}"


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "jianwang.db"


@pytest.fixture
def store(db_path):
    """A fresh database for 绵阳市版权局."""
    with Store(db_path) as s:
        s.set_profile(MIANYANG)
        yield s


def run_cli(*args: str, db: Path | None = None):
    """Run `python -m jianwang_desktop` in a subprocess, as a user would."""
    import subprocess

    argv = [sys.executable, "-m", "jianwang_desktop"]
    if db is not None:
        argv += ["--db", str(db)]
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(argv + list(args), capture_output=True, env=env, cwd=ROOT,
                          timeout=120)
