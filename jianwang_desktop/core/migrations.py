"""Schema versions of the local database, applied with sqlite-utils' own Migrations.

Never edit a migration that has shipped: add a new one at the end and raise nothing
else; `SCHEMA_VERSION` follows the number of migrations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from sqlite_utils import Database


class _DeferredMigrations:
    """sqlite-utils' `Migrations("jianwang")`, made on first use: `@migrations()` only
    records the function, so that the names (what `Store` checks on every start) are known
    without importing sqlite-utils. `pending`, `apply` and the rest are sqlite-utils' own."""

    def __init__(self, name: str):
        self.name = name
        self._registered: list[tuple[dict, Callable]] = []
        self._real = None

    def __call__(self, **options) -> Callable[[Callable], Callable]:
        if self._real is not None:
            return self._real(**options)

        def inner(fn: Callable) -> Callable:
            self._registered.append((options, fn))
            return fn

        return inner

    def names(self) -> list[str]:
        if self._real is not None:
            return [m.name for m in self._real._migrations]
        return [options.get("name") or fn.__name__ for options, fn in self._registered]

    def __getattr__(self, name: str):
        if name.startswith("__") or "_registered" not in self.__dict__:
            raise AttributeError(name)
        if self._real is None:
            from sqlite_utils.migrations import Migrations

            real = Migrations(self.name)
            for options, fn in self._registered:
                real(**options)(fn)
            self._real = real
        return getattr(self._real, name)

    def __setattr__(self, name: str, value) -> None:
        if name in ("name", "_registered", "_real"):
            object.__setattr__(self, name, value)
        else:  # e.g. a test swapping the list of migrations: sqlite-utils' own
            self.__getattr__(name)
            setattr(self._real, name, value)


migrations = _DeferredMigrations("jianwang")


@migrations()
def m001_initial(db: Database) -> None:
    _run(db, """
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE months (
            campaign TEXT NOT NULL,
            period TEXT NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            PRIMARY KEY (campaign, period)
        );
        CREATE TABLE statistics (
            campaign TEXT NOT NULL,
            period TEXT NOT NULL,
            category TEXT NOT NULL,
            measure TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (campaign, period, category, measure),
            FOREIGN KEY (campaign, period) REFERENCES months (campaign, period)
                ON DELETE CASCADE
        );
        CREATE TABLE cases (
            id INTEGER PRIMARY KEY,
            campaign TEXT NOT NULL,
            period TEXT NOT NULL,
            position INTEGER NOT NULL,
            number TEXT NOT NULL,
            name TEXT NOT NULL,
            handling_unit TEXT NOT NULL,
            source TEXT NOT NULL,
            summary TEXT NOT NULL,
            result TEXT NOT NULL,
            remarks TEXT NOT NULL,
            category TEXT NOT NULL,
            measures TEXT NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            FOREIGN KEY (campaign, period) REFERENCES months (campaign, period)
                ON DELETE CASCADE
        );
        CREATE INDEX cases_by_month ON cases (campaign, period, position);
        """)


@migrations()
def m002_exports_and_keys(db: Database) -> None:
    _run(db, """
        CREATE TABLE exports (
            campaign TEXT NOT NULL,
            period TEXT NOT NULL,
            revision INTEGER NOT NULL,
            created TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            file_name TEXT NOT NULL,
            manifest_sha256 TEXT NOT NULL,
            bundle BLOB NOT NULL,
            PRIMARY KEY (campaign, period, revision),
            FOREIGN KEY (campaign, period) REFERENCES months (campaign, period)
        );
        CREATE TABLE corrections (
            campaign TEXT NOT NULL,
            period TEXT NOT NULL,
            revision INTEGER NOT NULL,
            reason TEXT NOT NULL,
            created TEXT NOT NULL,
            PRIMARY KEY (campaign, period, revision),
            FOREIGN KEY (campaign, period) REFERENCES months (campaign, period)
        );
        CREATE TABLE trusted_keys (
            fingerprint TEXT PRIMARY KEY,
            public_key TEXT NOT NULL,
            label TEXT NOT NULL,
            added TEXT NOT NULL
        );
        """)


@migrations()
def m003_received_bundles(db: Database) -> None:
    # What a 市(州)版权局 or the province receives: every imported bundle kept whole
    # (bytes, parsed header, sha256, time received), its 附件1 figures as JSON and its
    # cases as rows for the register. Revisions are history: nothing here is replaced.
    _run(db, """
        CREATE TABLE received_bundles (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            campaign TEXT NOT NULL,
            region TEXT NOT NULL,
            department TEXT NOT NULL,
            unit TEXT NOT NULL,
            period TEXT NOT NULL,
            revision INTEGER NOT NULL,
            created TEXT NOT NULL,
            previous TEXT,
            manifest_sha256 TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            file_name TEXT NOT NULL,
            received TEXT NOT NULL,
            manifest TEXT NOT NULL,
            statistics TEXT,
            bundle BLOB NOT NULL
        );
        CREATE INDEX received_by_office ON received_bundles
            (campaign, kind, region, department, period, revision);
        CREATE TABLE received_cases (
            bundle_id INTEGER NOT NULL REFERENCES received_bundles (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            number TEXT NOT NULL,
            name TEXT NOT NULL,
            handling_unit TEXT NOT NULL,
            source TEXT NOT NULL,
            summary TEXT NOT NULL,
            result TEXT NOT NULL,
            remarks TEXT NOT NULL,
            category TEXT NOT NULL,
            measures TEXT NOT NULL,
            PRIMARY KEY (bundle_id, position)
        );
        """)


@migrations()
def m004_correction_audit_trail(db: Database) -> None:
    _run(db, """
        CREATE TABLE audit_trail (
            id INTEGER PRIMARY KEY,
            campaign TEXT NOT NULL,
            period TEXT NOT NULL,
            revision INTEGER NOT NULL,
            at TEXT NOT NULL,
            filler TEXT NOT NULL,
            reason TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            field TEXT NOT NULL,
            old TEXT,
            new TEXT,
            FOREIGN KEY (campaign, period) REFERENCES months (campaign, period)
        );
        CREATE INDEX audit_trail_by_month ON audit_trail (campaign, period, id);
        """)


@migrations()
def m005_trusted_key_office(db: Database) -> None:
    # A trusted key speaks for one office (region + department), never for another.
    # A key trusted before this existed is bound to the office whose bundle it signed
    # first (the office it was trusted for at import); a key that never signed a received
    # bundle stays unbound (NULL) and is trusted for no office until `trust add` names one.
    _run(db, """
        ALTER TABLE trusted_keys ADD COLUMN region TEXT;
        ALTER TABLE trusted_keys ADD COLUMN department TEXT;
        UPDATE trusted_keys SET
            region = (SELECT region FROM received_bundles b
                      WHERE b.fingerprint = trusted_keys.fingerprint ORDER BY id LIMIT 1),
            department = (SELECT department FROM received_bundles b
                          WHERE b.fingerprint = trusted_keys.fingerprint ORDER BY id LIMIT 1)
        """)


@migrations()
def m006_removed_keys(db: Database) -> None:
    # A key the clerk stopped trusting (工具 → 受信任的公钥… 移除所选…, `trust remove`) is
    # remembered: its next bundle is refused as removed, never taken for a new office's
    # first key (which `--trust-new` and the import window's question would trust again).
    # Trusting it again on purpose (trust add, 添加公钥文件…) forgets the removal.
    _run(db, """
        CREATE TABLE removed_keys (
            fingerprint TEXT PRIMARY KEY,
            label TEXT NOT NULL,
            region TEXT,
            department TEXT,
            removed TEXT NOT NULL
        )
        """)


def _run(db: Database, script: str) -> None:
    # One statement at a time: executescript() would commit the migration's transaction.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def known_names() -> list[str]:
    return migrations.names()


SCHEMA_VERSION = len(known_names())
