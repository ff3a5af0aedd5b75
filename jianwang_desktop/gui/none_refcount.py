"""A guard against a reference-counting bug of PySide6 6.12 on CPython 3.11.

Every call of a Qt method that returns nothing (`QFont.setBold`, `QPainter.drawRect`, …)
gives back `None` without taking a reference to it, so each such call lowers None's
reference count by one. After a few thousand calls (a long print run, a busy window)
the count reaches zero and CPython aborts with "none_dealloc: deallocating None".
CPython 3.12 made None immortal, which hides the bug; on 3.11 we do the same by hand:
None is never freed anyway, so lifting its count far out of reach changes nothing else.
"""

from __future__ import annotations

import ctypes
import sys

_HEADROOM = 1 << 40


def make_none_immortal() -> None:
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return
    refcount = ctypes.c_ssize_t.from_address(id(None))  # ob_refcnt, the first field
    if refcount.value < _HEADROOM:
        refcount.value += _HEADROOM
