"""Long work off the UI thread, behind one wrapper.

`run_in_background(fn, on_done)` runs a pure function (no widgets, no database
connection of the UI thread) on Qt's thread pool and calls `on_done(result)` back on
the UI thread. Only plain data crosses the thread boundary. A `UserError` raised by
`fn` reaches `on_failed` as its Chinese message; anything else as a traceback.

`run_with_progress(fn, on_progress, on_done)` is the same for work that reports its
steps: `fn(report)` may call `report(step, total, text)` from the worker thread, and each
call reaches `on_progress(step, total, text)` on the UI thread.
"""

from __future__ import annotations

import threading
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from ..core.errors import UserError


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(str)
    progress = Signal(int, int, str)


class _Task(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay, returned: threading.Event):
        super().__init__()
        self.fn = fn
        self.relay = relay
        self.returned = returned

    def run(self) -> None:
        try:
            self._run()
        finally:
            self.returned.set()  # from here on the worker no longer touches the relay

    def _run(self) -> None:
        try:
            result = self.fn()
        except UserError as e:  # a refusal the user can act on: its message, no traceback
            self.relay.failed.emit(str(e))
            return
        except Exception:  # reported on the UI thread, never lost in the pool
            self.relay.failed.emit(traceback.format_exc())
            return
        self.relay.done.emit(result)


_pending: set[_Relay] = set()  # relays alive until their task reports back


def busy() -> bool:
    """Some job started here has not reported back yet (its worker may still be using the
    database through a connection of its own)."""
    return bool(_pending)


def run_in_background(fn: Callable[[], Any], on_done: Callable[[Any], None],
                      on_failed: Callable[[str], None] | None = None) -> None:
    _start(lambda _relay: fn(), on_done, on_failed)


def run_with_progress(fn: Callable[[Callable[[int, int, str], None]], Any],
                      on_progress: Callable[[int, int, str], None],
                      on_done: Callable[[Any], None],
                      on_failed: Callable[[str], None] | None = None) -> None:
    _start(lambda relay: fn(relay.progress.emit), on_done, on_failed, on_progress)


def _start(fn: Callable[[_Relay], Any], on_done, on_failed, on_progress=None) -> None:
    relay = _Relay()  # created here, so it lives on (and calls back on) the UI thread
    _pending.add(relay)
    returned = threading.Event()

    def release() -> None:
        # The UI thread can get the result while the worker is still inside emit(), which
        # goes on reading the relay: deleting it then crashed now and then. Wait for run().
        if not returned.is_set():
            QTimer.singleShot(5, release)
            return
        _pending.discard(relay)
        relay.deleteLater()

    def finish(callback, value) -> None:
        release()
        if callback is not None:
            callback(value)

    relay.done.connect(lambda result: finish(on_done, result))
    relay.failed.connect(lambda text: finish(on_failed, text))
    if on_progress is not None:  # a queued connection: the worker's emits arrive in order
        relay.progress.connect(on_progress)
    QThreadPool.globalInstance().start(_Task(lambda: fn(relay), relay, returned))
