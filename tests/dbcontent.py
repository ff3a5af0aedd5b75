"""What a database holds, read through a separate connection, for before/after comparisons."""

from __future__ import annotations

import sqlite3
from pathlib import Path

# Timestamps say when, not what: a replayed action on another database differs only there.
_STATE_QUERIES = {
    "settings": "SELECT key, value FROM settings ORDER BY key",
    "months": "SELECT campaign, period FROM months ORDER BY campaign, period",
    "statistics": "SELECT campaign, period, category, measure, value FROM statistics "
                  "ORDER BY campaign, period, category, measure",
    "cases": "SELECT id, campaign, period, position, number, name, handling_unit, source, "
             "summary, result, remarks, category, measures FROM cases ORDER BY id",
}


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)


def full_dump(path: Path) -> list[str]:
    """Every schema object and row, timestamps included: 'nothing changed' means this."""
    conn = _connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def state(path: Path) -> dict[str, list[tuple]]:
    """The stored data without timestamps."""
    conn = _connect(path)
    try:
        return {name: conn.execute(sql).fetchall() for name, sql in _STATE_QUERIES.items()}
    finally:
        conn.close()


def integrity(path: Path) -> list[str]:
    conn = _connect(path)
    try:
        checks = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        checks += [repr(r) for r in conn.execute("PRAGMA foreign_key_check")]
        return checks
    finally:
        conn.close()
