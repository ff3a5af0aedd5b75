"""Reading a file the user named, with a size limit checked before anything is read."""

from __future__ import annotations

from pathlib import Path

from .errors import UserError, os_reason


def read_bounded(path: str | Path, limit: int, too_large: str) -> bytes:
    """The bytes of `path`; UserError(too_large) when it is over `limit` bytes, and a
    Chinese message naming the file when it cannot be read."""
    path = Path(path)
    try:
        if path.stat().st_size > limit:
            raise UserError(too_large)
        return path.read_bytes()
    except OSError as e:
        raise UserError(f"无法读取 {path}:{os_reason(e)}") from None
