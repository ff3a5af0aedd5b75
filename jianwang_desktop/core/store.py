"""The local SQLite file: one office's profile, months, 附件1 figures and 附件2 cases.

Every user action is one transaction. Values are stored as canonical text so that
amounts stay exact Decimals and a blank cell (no row) is never confused with 0.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from contextlib import contextmanager
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Iterator, NamedTuple

from .. import APP_NAME
from . import backup
from .domain import Profile
from .errors import UserError, os_reason
from .formdef import FormDefinition, load_form
from .migrations import SCHEMA_VERSION, known_names, migrations
from .money import format_amount
from .records import CASE_TEXT_FIELDS, CaseRecord, Grid, MonthData, Value, empty_grid
from .sqlerrors import user_error_for, write_errors_as_user_errors
from .validation import parse_measure, storable_problems, text_problem, validate_profile

if TYPE_CHECKING:
    from sqlite_utils import Database

    from . import audit  # imported where used: only a month under 更正 has an audit trail

PROFILE_KEYS = ("region", "department", "unit", "filler", "phone")


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / "jianwang.db"


class ExportRecord(NamedTuple):
    """One exported revision of a month, as listed to the user."""

    revision: int
    created: str
    fingerprint: str
    file_name: str
    manifest_sha256: str
    reason: str | None  # the 更正 reason that opened this revision; None for 第1版


class ExportState(NamedTuple):
    """How far a month's export has gone: the last revision, locked, or a 更正 under way."""
    period: str
    exported: int  # the last exported revision, 0 before the first export
    locked: bool  # exported and no 更正 opened since
    correction_reason: str | None  # the open 更正's reason while a correction is under way

    @property
    def next_revision(self) -> int:
        return self.exported + 1


def _now() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def encode_value(value: int | Decimal) -> str:
    return format_amount(value) if isinstance(value, Decimal) else str(int(value))


def decode_value(form: FormDefinition, key: str, text: str) -> int | Decimal:
    return Decimal(text) if key in form.amount_keys else int(text)


class Store:
    """A database file opened for one campaign."""

    def __init__(self, path: str | Path, campaign: str | None = None):
        self.path = Path(path)
        self.db = _open(self.path)
        stored = self.setting("campaign")
        self.form: FormDefinition = load_form(campaign or stored)
        if stored is None:
            with self.transaction():
                self._put_setting("campaign", self.form.campaign)

    # ------------------------------------------------------------ lifecycle

    def close(self) -> None:
        self.db.close()

    def reopen(self) -> None:
        """Open the file again after `close`: a restore from backup in the open window
        closes the store first and, if the restore is refused, carries on with it."""
        self.db = _open(self.path)

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One user action: all of it is stored, or (rolled back) none of it."""
        with write_errors_as_user_errors(self.path), self.db.atomic() as db:
            yield db

    # ------------------------------------------------------------ settings

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def _put_setting(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    def set_setting(self, key: str, value: str) -> None:
        with self.transaction():
            self._put_setting(key, value)

    def profile(self) -> Profile | None:
        values = {k: self.setting(k) for k in PROFILE_KEYS}
        if any(v is None for v in values.values()):
            return None
        return Profile(**values)

    def set_profile(self, profile: Profile) -> None:
        findings = validate_profile(profile)
        if findings:
            raise UserError("填报信息有误,未保存:", [f.message for f in findings])
        with self.transaction():
            for key, value in profile.as_dict().items():
                self._put_setting(key, value)

    def case_sources(self) -> list[str]:
        """The choices for 案件来源: the definition's, or the office's edited list."""
        stored = self.setting("case_sources")
        return json.loads(stored) if stored else list(self.form.sources)

    def set_case_sources(self, sources: list[str]) -> None:
        cleaned = [s.strip() for s in sources if s.strip()]
        if not cleaned:
            raise UserError("案件来源的选项不能全部删除。")
        self.set_setting("case_sources", json.dumps(cleaned, ensure_ascii=False))

    # ------------------------------------------------------------ months

    def _touch_month(self, period: str) -> ExportState:
        """Every write to a month goes through here, so a locked month cannot be changed."""
        self.form.month(period)  # refuses a period outside the campaign
        state = self._refuse_if_locked(period)
        now = _now()
        self.db.execute(
            "INSERT INTO months (campaign, period, created, updated) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(campaign, period) DO UPDATE SET updated = excluded.updated",
            [self.form.campaign, period, now, now],
        )
        return state

    @contextmanager
    def _writing_month(self, period: str) -> Iterator[None]:
        """One action that changes a month's data: lock check, then (during a 更正) the audit.

        While a correction is open, the month's rows before and after the action are
        compared and every difference is recorded in the same transaction.
        """
        with self.transaction():
            state = self._touch_month(period)
            audited = state.exported > 0
            before = self._snapshot(period) if audited else None
            yield
            if audited:
                from . import audit

                changes = audit.differences(before, self._snapshot(period))
                self._record_changes(period, state, changes)

    def _snapshot(self, period: str) -> audit.Snapshot:
        from . import audit

        args = [self.form.campaign, period]
        cells = {(c, m): v for c, m, v in self.db.execute(
            "SELECT category, measure, value FROM statistics WHERE campaign = ? AND period = ?",
            args)}
        columns = (*CASE_TEXT_FIELDS, "category", "measures")
        cases = {row[0]: audit.case_fields(dict(zip(columns, row[1:]))) for row in self.db.execute(
            "SELECT id, " + ", ".join(columns) + " FROM cases WHERE campaign = ? AND period = ?",
            args)}
        return audit.Snapshot(cells, cases)

    def _record_changes(self, period: str, state: ExportState,
                        changes: list[audit.Change]) -> None:
        at, filler = _now(), self.setting("filler") or ""
        for change in changes:
            self.db.execute(
                "INSERT INTO audit_trail (campaign, period, revision, at, filler, reason, action, "
                "target, field, old, new) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [self.form.campaign, period, state.next_revision, at, filler,
                 state.correction_reason or "", change.action, change.target, change.field,
                 change.old, change.new],
            )

    def audit_trail(self, period: str) -> list[audit.AuditEntry]:
        """Every change made to the month during its 更正s, oldest first."""
        from . import audit

        rows = self.db.execute(
            "SELECT revision, at, filler, reason, action, target, field, old, new "
            "FROM audit_trail WHERE campaign = ? AND period = ? ORDER BY id",
            [self.form.campaign, period],
        )
        return [audit.AuditEntry(*row) for row in rows]

    def has_data(self, period: str) -> bool:
        args = [self.form.campaign, period]
        stats = self.db.execute(
            "SELECT 1 FROM statistics WHERE campaign = ? AND period = ? LIMIT 1", args
        ).fetchone()
        cases = self.db.execute(
            "SELECT 1 FROM cases WHERE campaign = ? AND period = ? LIMIT 1", args
        ).fetchone()
        return bool(stats or cases)

    def load_grid(self, period: str) -> Grid:
        grid = empty_grid(self.form)
        rows = self.db.execute(
            "SELECT category, measure, value FROM statistics WHERE campaign = ? AND period = ?",
            [self.form.campaign, period],
        )
        for category, measure, value in rows:
            if category in grid and measure in grid[category]:
                grid[category][measure] = decode_value(self.form, measure, value)
        return grid

    def load_month(self, period: str) -> MonthData:
        self.form.month(period)
        return MonthData(period, self.load_grid(period), self.load_cases(period))

    def _write_cell(self, period: str, category: str, key: str, value: Value) -> None:
        if value is None:
            self.db.execute(
                "DELETE FROM statistics WHERE campaign = ? AND period = ? AND category = ? "
                "AND measure = ?",
                [self.form.campaign, period, category, key],
            )
            return
        self.db.execute(
            "INSERT INTO statistics (campaign, period, category, measure, value) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(campaign, period, category, measure) "
            "DO UPDATE SET value = excluded.value",
            [self.form.campaign, period, category, key, encode_value(value)],
        )

    def _checked_cell(self, category: str, key: str, value: Value) -> Value:
        if category not in self.form.categories:
            raise UserError(f"没有“{category}”这个案件类别。")
        measure = self.form.measure(key)
        return None if value is None else parse_measure(measure, value)

    def set_cells(self, period: str, cells: dict[tuple[str, str], Value]) -> None:
        """Write several 附件1 cells at once (a paste is one action); None blanks a cell."""
        checked = {(c, k): self._checked_cell(c, k, v) for (c, k), v in cells.items()}
        with self._writing_month(period):
            for (category, key), value in checked.items():
                self._write_cell(period, category, key, value)

    def set_cell(self, period: str, category: str, key: str, value: Value) -> None:
        self.set_cells(period, {(category, key): value})

    def replace_month(self, month: MonthData) -> None:
        """Put a whole month in place of what was there, in one transaction."""
        cells = {
            (c, k): self._checked_cell(c, k, v)
            for c, row in month.statistics.items()
            for k, v in row.items()
        }
        with self._writing_month(month.period):
            args = [self.form.campaign, month.period]
            self.db.execute("DELETE FROM statistics WHERE campaign = ? AND period = ?", args)
            self.db.execute("DELETE FROM cases WHERE campaign = ? AND period = ?", args)
            for (category, key), value in cells.items():
                self._write_cell(month.period, category, key, value)
            for position, case in enumerate(month.cases):
                case.id = self._insert_case(month.period, position, case)

    # ------------------------------------------------------------ cases

    def load_cases(self, period: str, limit: int | None = None) -> list[CaseRecord]:
        """The month's cases in order; only the first `limit` of them if given."""
        rows = self.db.execute(
            "SELECT id, number, name, handling_unit, source, summary, result, remarks, "
            "category, measures FROM cases WHERE campaign = ? AND period = ? "
            "ORDER BY position, id" + (" LIMIT ?" if limit is not None else ""),
            [self.form.campaign, period] + ([limit] if limit is not None else []),
        )
        shared: dict = {}  # equal texts and values of different cases share one object
        return [self._case_from_row(row, shared) for row in rows]

    def load_case(self, case_id: int) -> CaseRecord:
        row = self.db.execute(
            "SELECT id, number, name, handling_unit, source, summary, result, remarks, "
            "category, measures FROM cases WHERE id = ?",
            [case_id],
        ).fetchone()
        if row is None:
            raise UserError("这条案件已不存在(可能已被删除)。")
        return self._case_from_row(row)

    def _case_from_row(self, row, shared: dict | None = None) -> CaseRecord:
        """`shared`, kept across the rows of one read: what repeats from case to case is
        held once (a register of 100,000 cases is read whole into memory). That is the units,
        sources and other texts, and the figures: cases whose figures are stored alike share
        one read-only mapping of them (a dict each would be some 27 MB for 100,000 cases);
        `CaseRecord.copy` gives an edit its own dict."""
        case_id, number, name, *texts, category, measures = row
        shared = {} if shared is None else shared
        texts = [shared.setdefault(t, t) for t in texts]
        key = (MappingProxyType, measures)  # apart from the texts' keys and the values'
        figures = shared.get(key)
        if figures is None:
            figures = shared[key] = MappingProxyType(self._decode_measures(measures, shared))
        return CaseRecord(number, name, *texts, category=shared.setdefault(category, category),
                          measures=figures, id=case_id)

    def _decode_measures(self, text: str, shared: dict) -> dict[str, int | Decimal]:
        decoded = {}
        for k, v in json.loads(text).items():
            value = shared.get((k, v))
            if value is None:
                if k not in self.form.measure_keys:
                    continue
                value = shared[(k, v)] = (sys.intern(k), decode_value(self.form, k, v))
            decoded[value[0]] = value[1]
        return decoded

    def _case_row(self, case: CaseRecord) -> dict:
        row = {k: case.text(k) for k in CASE_TEXT_FIELDS}
        row["category"] = case.category
        row["measures"] = json.dumps(
            {k: encode_value(v) for k, v in case.measures.items()}, ensure_ascii=False
        )
        return row

    def _insert_case(self, period: str, position: int, case: CaseRecord) -> int:
        row = self._case_row(case)
        now = _now()
        cursor = self.db.execute(
            "INSERT INTO cases (campaign, period, position, "
            + ", ".join(row)
            + ", created, updated) VALUES (?, ?, ?, "
            + ", ".join("?" for _ in row)
            + ", ?, ?)",
            [self.form.campaign, period, position, *row.values(), now, now],
        )
        return cursor.lastrowid

    def _check_case(self, period: str, case: CaseRecord) -> None:
        problems = storable_problems(self.form, case)
        if problems:
            raise UserError("案件信息有误,未保存:", problems)
        number = case.number.strip()
        if number:
            clash = self.db.execute(
                "SELECT id FROM cases WHERE campaign = ? AND period = ? AND trim(number) = ? "
                "AND id IS NOT ?",
                [self.form.campaign, period, number, case.id],
            ).fetchone()
            if clash:
                raise UserError(f"编号“{number}”已被本月另一条案件使用,编号必须唯一"
                                f"(可改用 {self.next_case_number(period)})。")

    def check_case(self, period: str, case: CaseRecord) -> None:
        """The UserError that storing `case` would raise, if any; writes nothing."""
        self._check_case(period, case)

    def add_case(self, period: str, case: CaseRecord) -> CaseRecord:
        """Store a new case at the end of the month's list; gives it a number if it has none."""
        case = case.copy()
        if not case.number.strip():
            case.number = self.next_case_number(period)
        self._check_case(period, case)
        with self._writing_month(period):
            position = self.db.execute(
                "SELECT coalesce(max(position), -1) + 1 FROM cases WHERE campaign = ? "
                "AND period = ?",
                [self.form.campaign, period],
            ).fetchone()[0]
            case.id = self._insert_case(period, position, case)
        return case

    def update_case(self, period: str, case: CaseRecord) -> None:
        if case.id is None:
            raise ValueError("update_case needs a stored case")
        self._check_case(period, case)
        row = self._case_row(case)
        with self._writing_month(period):
            cursor = self.db.execute(
                "UPDATE cases SET " + ", ".join(f"{k} = ?" for k in row)
                + ", updated = ? WHERE id = ? AND campaign = ? AND period = ?",
                [*row.values(), _now(), case.id, self.form.campaign, period],
            )
            if cursor.rowcount != 1:
                raise UserError("这条案件已不存在(可能已被删除)。")

    def delete_case(self, period: str, case_id: int) -> None:
        with self._writing_month(period):
            self.db.execute(
                "DELETE FROM cases WHERE id = ? AND campaign = ? AND period = ?",
                [case_id, self.form.campaign, period],
            )

    def next_case_number(self, period: str) -> str:
        """YYYYMM-NNN, one more than the highest such number of the month."""
        prefix = period.replace("-", "") + "-"
        rows = self.db.execute(
            "SELECT number FROM cases WHERE campaign = ? AND period = ? AND number LIKE ?",
            [self.form.campaign, period, prefix + "%"],
        )
        highest = 0
        for (number,) in rows:
            tail = number[len(prefix):]
            if tail.isdigit():
                highest = max(highest, int(tail))
        return f"{prefix}{highest + 1:03d}"

    def case_count(self, period: str) -> int:
        """How many cases the month has, without loading them (to decide how to load)."""
        return self.db.execute(
            "SELECT count(*) FROM cases WHERE campaign = ? AND period = ?",
            [self.form.campaign, period],
        ).fetchone()[0]

    # ------------------------------------------------------------ exports and lock

    def exports(self, period: str) -> list[ExportRecord]:
        rows = self.db.execute(
            "SELECT e.revision, e.created, e.fingerprint, e.file_name, e.manifest_sha256, "
            "c.reason FROM exports e LEFT JOIN corrections c ON c.campaign = e.campaign "
            "AND c.period = e.period AND c.revision = e.revision "
            "WHERE e.campaign = ? AND e.period = ? ORDER BY e.revision",
            [self.form.campaign, period],
        )
        return [ExportRecord(*row) for row in rows]

    def export_state(self, period: str) -> ExportState:
        args = [self.form.campaign, period]
        exported = self.db.execute(
            "SELECT coalesce(max(revision), 0) FROM exports WHERE campaign = ? AND period = ?",
            args,
        ).fetchone()[0]
        correction = self.db.execute(
            "SELECT reason FROM corrections WHERE campaign = ? AND period = ? AND revision = ?",
            [*args, exported + 1],
        ).fetchone()
        return ExportState(period, exported, exported > 0 and correction is None,
                           correction[0] if correction else None)

    def is_locked(self, period: str) -> bool:
        return self.export_state(period).locked

    def current_export(self, period: str) -> ExportRecord | None:
        """The exported revision the stored data still equals: the last one, while locked.

        During a 更正 the data is being changed, so no export stands for it.
        """
        if not self.is_locked(period):
            return None
        return self.exports(period)[-1]

    def _refuse_if_locked(self, period: str) -> ExportState:
        state = self.export_state(period)
        if state.locked:
            label = self.form.month(period).label
            raise UserError(
                f"{label}的数据已导出(第{state.exported}版)并锁定,不能修改。",
                ["确需修改时请先“更正”并写明原因(菜单“报表 → 更正…”,或命令 jianwang correct "
                 f"--month {period} --reason 原因),更正后导出的是第{state.next_revision}版。"],
            )
        return state

    def start_correction(self, period: str, reason: str) -> ExportState:
        """Open the next revision of an exported month; the reason is kept with it."""
        self.form.month(period)
        reason = reason.strip() if isinstance(reason, str) else ""
        problem = text_problem(reason, 500, True, True)
        if problem:
            raise UserError(f"更正原因{problem}。")
        self._refuse_unless_correctable(period)
        try:
            backup.backup_now(self, "correction", period)
        except UserError as e:
            raise UserError("更正前必须先备份数据库,但备份没有成功;没有开启更正。",
                            [e.message, *e.details]) from None
        with self.transaction():
            self._refuse_unless_correctable(period)  # again, inside the transaction
            state = self.export_state(period)
            self.db.execute(
                "INSERT INTO corrections (campaign, period, revision, reason, created) "
                "VALUES (?, ?, ?, ?, ?)",
                [self.form.campaign, period, state.next_revision, reason, _now()],
            )
        return self.export_state(period)

    def _refuse_unless_correctable(self, period: str) -> None:
        state = self.export_state(period)
        label = self.form.month(period).label
        if state.exported == 0:
            raise UserError(f"{label}还没有导出过,直接修改即可,不需要更正。")
        if not state.locked:
            raise UserError(f"{label}已在更正中(将导出第{state.next_revision}版),"
                            f"原因:{state.correction_reason}")

    def record_export(self, period: str, revision: int, created: str, fingerprint: str,
                      file_name: str, manifest_sha256: str, bundle: bytes) -> None:
        """Keep an exported bundle; from now on the month is locked."""
        with self.transaction():
            state = self.export_state(period)
            if state.locked or revision != state.next_revision:
                raise UserError(f"导出的版本号({revision})与记录不符,未保存。请重新导出。")
            self._touch_month(period)
            self.db.execute(
                "INSERT INTO exports (campaign, period, revision, created, fingerprint, "
                "file_name, manifest_sha256, bundle) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [self.form.campaign, period, revision, created, fingerprint, file_name,
                 manifest_sha256, bundle],
            )

    def exported_bundle(self, period: str, revision: int) -> bytes:
        row = self.db.execute(
            "SELECT bundle FROM exports WHERE campaign = ? AND period = ? AND revision = ?",
            [self.form.campaign, period, revision],
        ).fetchone()
        if row is None:
            raise UserError(f"没有第{revision}版的导出记录。")
        return bytes(row[0])

    # ------------------------------------------------------------ trusted keys

    def trusted_keys(self) -> dict[str, tuple[str, str, tuple[str, str] | None]]:
        """{fingerprint: (base64 public key, label, (region, department) or None)}.

        The office is the one the key may sign for; None: trusted before keys were bound
        to offices and never used since, so trusted for no office (see m005). In the order
        the lists show them: by label, then office (one for no office first)."""
        rows = self.db.execute(
            "SELECT fingerprint, public_key, label, region, department FROM trusted_keys "
            "ORDER BY label, coalesce(region, ''), coalesce(department, ''), fingerprint")
        return {fp: (key, label, (region, department) if region and department else None)
                for fp, key, label, region, department in rows}

    def trust_key(self, fingerprint: str, public_key: str, label: str, *, region: str,
                  department: str) -> bool:
        """Trust a key for one office; False when it was trusted for that office already.

        A key without an office (from before m005) is bound to the office given; a key
        trusted for another office is refused: one key signs for one office only."""
        from .domain import geography

        geo = geography()
        if geo.department(region, department) is None:
            raise UserError(f"没有“{region}{department}”这个单位,请检查市(州)和部门。")
        with self.transaction():
            row = self.db.execute(
                "SELECT public_key, region, department FROM trusted_keys WHERE fingerprint = ?",
                [fingerprint]).fetchone()
            if row is None:
                self.db.execute(
                    "INSERT INTO trusted_keys (fingerprint, public_key, label, added, region, "
                    "department) VALUES (?, ?, ?, ?, ?, ?)",
                    [fingerprint, public_key, label, _now(), region, department])
                # trusted again on purpose: its removal is forgotten
                self.db.execute("DELETE FROM removed_keys WHERE fingerprint = ?", [fingerprint])
                return True
            if row[1] and (row[1], row[2]) != (region, department):
                raise UserError(
                    f"这个公钥已作为{geo.default_unit(row[1], row[2])}的公钥受信任,"
                    f"不能再作为{geo.default_unit(region, department)}的公钥,未改动。",
                    ["一个单位应使用自己的密钥;请与对方核实。"])
            if row[1]:
                return False
            self.db.execute(
                "UPDATE trusted_keys SET region = ?, department = ?, label = ? "
                "WHERE fingerprint = ?", [region, department, label, fingerprint])
            return True

    def was_removed(self, fingerprint: str) -> bool:
        """The key was trusted, then removed (untrust_key), and not trusted again since."""
        return self.db.execute("SELECT 1 FROM removed_keys WHERE fingerprint = ?",
                               [fingerprint]).fetchone() is not None

    def untrust_key(self, fingerprint: str) -> tuple[str, str, tuple[str, str] | None]:
        """Stop trusting a key (a lost PC, a key trusted by mistake): (fingerprint, label,
        office) of the key removed. `fingerprint` as shown (grouped, any case) or raw.

        Bundles imported with it stay; a later bundle it signs is then untrusted at verify
        and refused at import (receiving._check_key), `--trust-new` or not: the removal is
        remembered (removed_keys) until the key is trusted again on purpose (trust_key)."""
        from .signing import grouped, parse_fingerprint

        fp = parse_fingerprint(fingerprint)
        with self.transaction():
            row = self.db.execute(
                "SELECT label, region, department FROM trusted_keys WHERE fingerprint = ?",
                [fp]).fetchone()
            if row is None:
                raise UserError(f"受信任列表中没有指纹为 {grouped(fp)} 的公钥,未作改动。",
                                ["受信任的公钥及其指纹见“工具 → 受信任的公钥…”,"
                                 "命令行用 jianwang trust list 查看。"])
            self.db.execute("DELETE FROM trusted_keys WHERE fingerprint = ?", [fp])
            self.db.execute(
                "INSERT OR REPLACE INTO removed_keys (fingerprint, label, region, department, "
                "removed) VALUES (?, ?, ?, ?, ?)", [fp, *row, _now()])
        label, region, department = row
        return fp, label, (region, department) if region and department else None


def _open(path: Path) -> Database:
    """Open (or create) the file, refuse a file that is not ours or is from a newer version."""
    exists = path.exists()
    if exists and path.is_dir():
        raise UserError(f"数据库路径 {path} 是一个文件夹,请指定一个文件。")
    if not exists:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise UserError(f"无法创建数据文件夹 {path.parent}:{os_reason(e)}") from None
    applied = _refuse_foreign_or_newer(path) if exists else []
    db = None
    try:
        lazy = set(known_names()) <= set(applied)  # nothing to migrate: sqlite-utils can wait
        if lazy:
            from .lazydb import LazyDatabase

            db = LazyDatabase(path)
        else:
            from sqlite_utils import Database

            db = Database(path)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA busy_timeout = 5000")
        pending = [] if lazy else migrations.pending(db)
        if exists:
            backup.on_open(db, path, migrating=bool(pending))
        if pending:
            migrations.apply(db)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException as e:
        if db is not None:
            db.close()  # an open handle would keep the file locked on Windows
        if isinstance(e, sqlite3.DatabaseError):
            raise user_error_for(e, path, "数据库没有打开。") from None
        raise
    return db


def _refuse_foreign_or_newer(path: Path) -> list[str]:
    """Read-only look at an existing file before anything may write to it; the names of
    the migrations applied to it."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise UserError(f"无法读取数据库 {path}:{e}") from None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("quick_check failed")
        applied: list[str] = []
        if "_sqlite_migrations" in tables:
            applied = [r[0] for r in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = 'jianwang'")]
    except sqlite3.DatabaseError:
        raise backup.DamagedDatabase(
            f"{path} 不是本程序的数据库文件,或文件已损坏。为保护它,程序没有做任何改动。",
            backup.damaged_file_advice(path),
        ) from None
    finally:
        conn.close()
    if tables and "_sqlite_migrations" not in tables:
        raise UserError(
            f"{path} 是别的程序的 SQLite 数据库,不是剑网填报的数据文件。程序没有做任何改动。"
        )
    unknown = [name for name in applied if name not in known_names()]
    if version > SCHEMA_VERSION or unknown:
        raise UserError(
            f"数据库 {path} 是由更新版本的剑网填报写入的,本版本无法安全打开。程序没有做任何改动。",
            ["请安装最新版本后再打开。"],
        )
    return applied
