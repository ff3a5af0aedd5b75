"""Item 1 of issue 8: an acknowledged write survives the writer being SIGKILLed at any moment.

A writer process (tests/crash_writer.py) performs store actions (whole-grid pastes,
new cases, edited cases, whole months replaced as by `load --replace`) and acknowledges each after its commit. It is killed at random
moments, KILLS times, from a fixed seed; after each kill the database is reopened by the
store as the app would, and must pass integrity_check and hold exactly the state after
the acknowledged actions, or after one more (the action that had committed when the kill
came, before its acknowledgement was printed). Anything else is a lost or half write.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from jianwang_desktop.core.store import Store

import dbcontent
from conftest import MIANYANG
from crash_writer import apply_action

SEED = 20150801
KILLS = 100
EARLY_KILL_SHARE = 0.2  # kills aimed at the child's start-up (opening the file)
LONGEST_WAIT = 0.12  # seconds of writing before the kill, drawn uniformly
STALL = 30  # seconds without news from the writer: something is wrong

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL") or not hasattr(os, "fork"),
                                reason="SIGKILL and fork are POSIX")


class Writer:
    """The fork server of crash_writer.py and the lines it prints, read on a thread."""

    def __init__(self, db: Path):
        script = Path(__file__).with_name("crash_writer.py")
        self.proc = subprocess.Popen(
            [sys.executable, str(script), str(db), str(SEED)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, encoding="utf-8", bufsize=1)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.strip())
        self.lines.put("eof")

    def next_line(self) -> str:
        try:
            line = self.lines.get(timeout=STALL)
        except queue.Empty:
            raise AssertionError("the writer stopped answering") from None
        if line == "eof":
            raise AssertionError("the writer server died:\n" + self.proc.stderr.read())
        return line

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=STALL)


def run_and_kill(writer: Writer, start: int, rng: random.Random) -> list[int]:
    """Start a child at action `start`, kill it at a random moment; the acknowledged actions."""
    writer.proc.stdin.write(f"run {start}\n")
    writer.proc.stdin.flush()
    seen: list[str] = []

    def wait_for(prefix: str) -> str:
        while True:
            line = writer.next_line()
            seen.append(line)
            if line.startswith(prefix) and line.endswith(" ok"):
                return line

    pid = int(wait_for("pid ").split()[1])
    if rng.random() < EARLY_KILL_SHARE:
        time.sleep(rng.uniform(0, 0.01))
    else:
        if "ready ok" not in seen:
            wait_for("ready")
        time.sleep(rng.uniform(0, LONGEST_WAIT))
    os.kill(pid, signal.SIGKILL)
    wait_for(f"dead {pid} ok")
    # A line cut short by the kill does not end in " ok": not an acknowledgement.
    acks = [int(line.split()[1]) for line in seen if line.startswith("ack ") and line.endswith(" ok")]
    assert acks == list(range(start, start + len(acks))), "acknowledgements out of order"
    return acks


def test_acknowledged_writes_survive_sigkill(tmp_path, capsys):
    db, ref = tmp_path / "crash.db", tmp_path / "reference.db"
    for path in (db, ref):
        with Store(path) as s:
            s.set_profile(MIANYANG)
    reference = Store(ref)
    reference.db.execute("PRAGMA synchronous = OFF")  # nobody kills the reference
    done = 0  # actions applied to the reference

    def advance_reference(to: int) -> dict:
        nonlocal done
        while done < to:
            apply_action(reference, SEED, done)
            done += 1
        return dbcontent.state(ref)

    rng = random.Random(SEED)
    writer = Writer(db)
    committed = acknowledged = in_flight_committed = 0
    try:
        for _ in range(KILLS):
            acks = run_and_kill(writer, committed, rng)
            acknowledged += len(acks)
            acked_through = committed + len(acks)
            with Store(db) as reopened:  # what the app does after the crash
                assert dbcontent.integrity(reopened.path) == ["ok"]
                found = dbcontent.state(reopened.path)
            if found == advance_reference(acked_through):
                committed = acked_through
            else:
                # Only the action in flight may be there unacknowledged, and then all of it.
                assert found == advance_reference(acked_through + 1), (
                    f"after the kill, the database is neither the state after action "
                    f"{acked_through - 1} (the last acknowledged) nor after action {acked_through}")
                committed = acked_through + 1
                in_flight_committed += 1
    finally:
        writer.close()
        reference.close()
    assert acknowledged > KILLS, "too few writes between kills to test anything"
    with capsys.disabled():
        print(f"\ncrash safety: {KILLS} SIGKILLs, {acknowledged} acknowledged actions all "
              f"present, {in_flight_committed} unacknowledged in-flight actions found "
              f"whole, 0 half-written; {committed} actions committed in all")
