"""`jianwang … | head` : a reader that stops early is not an error worth a traceback."""

import os
import subprocess
import sys

from conftest import ROOT
from test_cli import INIT


def test_a_closed_pipe_ends_quietly_with_exit_1(tmp_path):
    db = tmp_path / "office.db"
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    argv = [sys.executable, "-m", "jianwang_desktop", "--db", str(db)]
    assert subprocess.run(argv + INIT, capture_output=True, env=env, cwd=ROOT).returncode == 0
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head -0`: whatever is printed meets a closed pipe
    try:
        result = subprocess.run(argv + ["dump", "--month", "2015-08"], stdout=write_end,
                                stderr=subprocess.PIPE, env=env, cwd=ROOT, timeout=120)
    finally:
        os.close(write_end)
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
    assert stderr == ""
    assert result.returncode == 1
