"""The writer that tests/test_crash_safety.py kills, and the actions it performs.

Run as `python crash_writer.py DB SEED`, it is a small fork server: it imports the store
once, then for each line `run N` on stdin forks a child that opens DB and performs
actions N, N+1, ... printing `ack I ok` after action I is committed, until it is killed.
The server reports `pid P ok` for each child and `dead P ok` once the child is reaped, so the
test knows every acknowledgement of that child has been read. Forking from a
single-threaded server keeps each run to milliseconds instead of a fresh interpreter's
half second, while the child is still a separate process with its own SQLite connection.

`apply_action(store, seed, i)` is deterministic in (seed, i, stored state), so the test
replays the same actions on a reference database to know what each state must be.
"""

from __future__ import annotations

import os
import random
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jianwang_desktop.core.records import CaseRecord, MonthData  # noqa: E402
from jianwang_desktop.core.store import Store  # noqa: E402
import sqlite_utils  # noqa: E402,F401 (the store imports it on its first write: do it once here)

PERIODS = ("2015-08", "2015-09")
_TEXT = "网络侵权盗版案件经查属实责令删除罚款处理结果良好剑网行动"


def _text(rng: random.Random, longest: int) -> str:
    return "".join(rng.choice(_TEXT) for _ in range(rng.randint(1, longest)))


def _measures(store: Store, rng: random.Random) -> dict:
    out = {}
    for key in store.form.measure_keys:
        measure = store.form.measure(key)
        out[key] = Decimal(rng.randint(0, 10**6)) / 100 if measure.is_amount else rng.randint(0, 50)
    return out


def _new_case(store: Store, rng: random.Random, i: int, number: str = "") -> CaseRecord:
    return CaseRecord(
        number=number, name=f"案件{i}" + _text(rng, 20), handling_unit="绵阳市文化市场综合执法支队",
        source=store.case_sources()[0], summary=_text(rng, 1500), result=_text(rng, 200),
        category=rng.choice(store.form.categories), measures=_measures(store, rng))


def _grid(store: Store, rng: random.Random) -> dict:
    return {category: {key: None if rng.random() < 0.1 else value
                       for key, value in _measures(store, rng).items()}
            for category in store.form.categories}


def apply_action(store: Store, seed: int, i: int) -> None:
    """Action i: a whole-grid paste, a new case, an edited case, or (every tenth) a whole
    month replaced as `load --replace` does; each is one transaction."""
    rng = random.Random(seed * 1_000_003 + i)
    period = rng.choice(PERIODS)
    kind = "load" if i % 10 == 9 else ("paste", "add", "edit")[i % 3]
    cases = store.load_cases(period) if kind == "edit" else []
    if kind == "load":
        number = period.replace("-", "")
        store.replace_month(MonthData(period, _grid(store, rng), [
            _new_case(store, rng, i, f"{number}-{n + 1:03d}") for n in range(rng.randint(0, 4))]))
    elif kind == "paste":
        # Every cell of the grid in one paste: a half-written paste would show mixed values.
        cells = {(c, k): v for c, row in _grid(store, rng).items() for k, v in row.items()}
        store.set_cells(period, cells)
    elif kind == "add" or not cases:
        store.add_case(period, _new_case(store, rng, i))
    else:
        case = rng.choice(cases)
        case.summary = f"第{i}次修改:" + _text(rng, 1500)
        case.remarks = str(i)
        case.measures = _measures(store, rng)
        store.update_case(period, case)


def _say(line: str) -> None:
    # One write per line; a kill can still cut it, so complete lines end in " ok".
    sys.stdout.write(line + " ok\n")
    sys.stdout.flush()


def _child(db: str, seed: int, start: int) -> None:
    with Store(db) as store:
        _say("ready")
        i = start
        while True:
            apply_action(store, seed, i)
            _say(f"ack {i}")
            i += 1


def serve(db: str, seed: int) -> None:
    for line in sys.stdin:
        start = int(line.split()[1])
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            try:
                _child(db, seed, start)
            finally:
                os._exit(1)
        _say(f"pid {pid}")
        os.waitpid(pid, 0)
        _say(f"\ndead {pid}")  # starts a new line in case the child was cut mid-line


if __name__ == "__main__":
    serve(sys.argv[1], int(sys.argv[2]))
