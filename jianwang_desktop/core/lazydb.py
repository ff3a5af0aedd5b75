"""The store's SQLite connection, with sqlite-utils brought in only when it is needed.

Importing sqlite-utils (with click, dateutil and pluggy) and scanning its plugins takes
about as long as everything else the window needs before its first paint. Opening a
database whose migrations are all applied only needs `sqlite3`: reads (SELECT, PRAGMA) go
straight to the connection, and sqlite-utils' `Database` is made around that same
connection the first time anything else is asked of it (a write, `atomic()`, tables).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any


class LazyDatabase:
    """What `sqlite_utils.Database(path)` gives, with the Database itself made on demand."""

    def __init__(self, path: str | Path):
        self._database = None
        self.conn = sqlite3.connect(str(path))  # as Database(path) connects
        self.conn.execute("PRAGMA recursive_triggers=on;")  # as Database() sets up

    def execute(self, sql: str, parameters: Any = None) -> sqlite3.Cursor:
        """A SELECT or PRAGMA runs on the connection: sqlite-utils would do just that, as
        neither opens a transaction. Anything else goes through sqlite-utils' execute(),
        which commits a write made outside a transaction."""
        if self._database is None and sql.lstrip()[:6].lower() in ("select", "pragma"):
            return self.conn.execute(sql) if parameters is None else \
                self.conn.execute(sql, parameters)
        return self.__getattr__("execute")(sql, parameters)

    def close(self) -> None:
        self.conn.close()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or "_database" not in self.__dict__:
            raise AttributeError(name)
        if self._database is None:
            from sqlite_utils import Database

            self._database = Database(self.conn)
        return getattr(self._database, name)
