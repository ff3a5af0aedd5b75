"""Long work off the UI thread, behind one wrapper.

`run_in_background(fn, on_done)` runs a pure function (no widgets, no database
connection of the UI thread) on Qt's thread pool and calls `on_done(result)` back on
the UI thread. Only plain data crosses the thread boundary.
"""

from __future__ import annotations

import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(str)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay):
        super().__init__()
        self.fn = fn
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn()
        except Exception:  # reported on the UI thread, never lost in the pool
            self.relay.failed.emit(traceback.format_exc())
            return
        self.relay.done.emit(result)


_pending: set[_Relay] = set()  # relays alive until their task reports back


def run_in_background(fn: Callable[[], Any], on_done: Callable[[Any], None],
                      on_failed: Callable[[str], None] | None = None) -> None:
    relay = _Relay()  # created here, so it lives on (and calls back on) the UI thread
    _pending.add(relay)

    def finish(callback, value) -> None:
        _pending.discard(relay)
        relay.deleteLater()
        if callback is not None:
            callback(value)

    relay.done.connect(lambda result: finish(on_done, result))
    relay.failed.connect(lambda text: finish(on_failed, text))
    QThreadPool.globalInstance().start(_Task(fn, relay))
