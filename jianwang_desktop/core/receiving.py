"""Import of received bundles, and the store of what was received.

Who receives what (the notice's 附件1/附件2 notes): a 市(州)版权局 sums the figures of its
own 公安局 and 网信办; 省版权局 receives every 市(州)版权局 and 成都市文化市场综合执法总队,
省公安厅 every 公安局, 省网信办 every 网信办. A bundle is verified before anything is
stored; a refused bundle changes nothing. Revisions are kept as history: the current
one of an office and month is the highest revision received.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from .domain import Profile, geography
from .errors import UserError
from .records import CASE_TEXT_FIELDS, Grid, empty_grid
from .roles import Sender, is_province, senders_of

MONTH_KIND = "month"
IMPORTED, DUPLICATE, HISTORY = "imported", "duplicate", "history"


class UntrustedKey(UserError):
    """A first key of an office not known yet: the clerk may trust it after comparing."""

    def __init__(self, message: str, details: list[str], unit: str, fingerprint: str,
                 sender: "Sender"):
        super().__init__(message, details)
        self.unit = unit
        self.fingerprint = fingerprint
        self.sender = sender  # the office the key would be trusted for


class ImportOutcome(NamedTuple):
    """What importing one received bundle did, with the message to show for it."""
    status: str  # IMPORTED / DUPLICATE / HISTORY
    unit: str
    period: str
    revision: int
    kind: str
    fingerprint: str
    newly_trusted: bool
    message: str


class Received(NamedTuple):
    """One stored bundle, as listed to the user (no bytes)."""

    id: int
    sha256: str
    kind: str
    region: str
    department: str
    unit: str
    period: str
    revision: int
    created: str
    fingerprint: str
    file_name: str
    received: str

    @property
    def sender(self) -> Sender:
        return Sender(self.region, self.department)


_RECEIVED_COLUMNS = ("id, sha256, kind, region, department, unit, period, revision, created, "
                     "fingerprint, file_name, received")


# ---------------------------------------------------------------- import


def import_file(store, path: str | Path, trust_new: bool = False,
                now: datetime | None = None, trust_fingerprint: str | None = None
                ) -> ImportOutcome:
    from .verify import MAX_BUNDLE_BYTES

    from .files import read_bounded

    path = Path(path)
    raw = read_bounded(path, MAX_BUNDLE_BYTES,
                       f"{path.name}:文件过大,不是剑网填报的数据包,未导入。")
    return import_bundle(store, raw, path.name, trust_new=trust_new, now=now,
                         trust_fingerprint=trust_fingerprint)


def import_bundle(store, raw: bytes, source: str, trust_new: bool = False,
                  now: datetime | None = None, trust_fingerprint: str | None = None
                  ) -> ImportOutcome:
    """Verify, check the sender and key, and store one bundle; all or nothing.

    A first key of an office is trusted (for that office) with `trust_new`, or with
    `trust_fingerprint`: only when the bundle's key has exactly the fingerprint the clerk
    compared, so a file swapped after the comparison is refused."""
    import hashlib

    from .signing import grouped
    from .verify import verify_bundle

    profile = store.profile()
    if profile is None:
        raise UserError("还没有设置本单位的填报信息,请先运行 jianwang init。")
    result = verify_bundle(raw, store.trusted_keys(), source=source)
    if not result.ok:
        raise UserError(f"{source} 验证未通过,未导入:", result.failures)
    manifest = result.manifest
    kind = manifest.get("kind", MONTH_KIND)
    sender = Sender(manifest["region"], manifest["department"])
    if manifest["campaign"] != store.form.campaign:
        raise UserError(f"{source} 属于“{manifest['campaign']}”,本数据库是"
                        f"“{store.form.campaign}”,未导入。")
    expected = senders_of(profile)
    if kind != MONTH_KIND and not is_province(profile):
        raise UserError(f"{source} 是{manifest['unit']}的工作计划或总结,应报送省版权局,未导入。")
    if sender not in expected:
        raise UserError(f"{source} 是{manifest['unit']}的数据包,不应报送{profile.unit},未导入。",
                        [_who_we_receive(profile, expected)])
    sha256 = hashlib.sha256(raw).hexdigest()
    with store.transaction():
        same = store.db.execute("SELECT revision FROM received_bundles WHERE sha256 = ?",
                                [sha256]).fetchone()
        if same:
            return _outcome(DUPLICATE, manifest, kind, result.fingerprint, False,
                            f"{source}:已导入过(第{same[0]}版,内容完全相同),未作改动。")
        newly_trusted = _check_key(store, sender, manifest, result,
                                   trust_new or trust_fingerprint is not None)
        if newly_trusted and trust_fingerprint is not None \
                and trust_fingerprint != result.fingerprint:
            raise UserError(
                f"{source} 中的公钥(指纹 {grouped(result.fingerprint)})不是您核对过的"
                f" {grouped(trust_fingerprint)},未导入,也未信任任何公钥。",
                ["文件可能在核对后被换过;请重新选择数据包,并再次与对方核对指纹。"])
        clash = store.db.execute(
            "SELECT sha256 FROM received_bundles WHERE campaign = ? AND kind = ? AND region = ? "
            "AND department = ? AND period = ? AND revision = ?",
            [manifest["campaign"], kind, sender.region, sender.department, manifest["period"],
             manifest["revision"]]).fetchone()
        if clash:
            raise UserError(
                f"{source}:{manifest['unit']}{manifest['period']}第{manifest['revision']}版"
                "已收到过,但内容不同,未导入。",
                ["同一版本号不应有两份不同的数据包,请与对方核实(更正后应导出下一版)。"])
        _refuse_a_broken_chain(store, kind, sender, manifest, result, source)
        latest = _latest_revision(store, kind, sender, manifest["period"])
        if newly_trusted:
            store.db.execute(
                "INSERT INTO trusted_keys (fingerprint, public_key, label, added, region, "
                "department) VALUES (?, ?, ?, ?, ?, ?)",
                [result.fingerprint, manifest["signer"]["public_key"], manifest["unit"],
                 _stamp(now), sender.region, sender.department])
        bundle_id = _insert(store, raw, sha256, kind, manifest, result, source, now)
        if result.month is not None and kind == MONTH_KIND:
            _insert_cases(store, bundle_id, result.month.cases)
    month = kind == MONTH_KIND
    period = store.form.month(manifest["period"]).label if month else manifest["period"]
    what = f"{manifest['unit']} {period} 第{manifest['revision']}版"
    trusted_note = f"(已信任新公钥 {grouped(result.fingerprint)})" if newly_trusted else ""
    if latest is not None and latest > manifest["revision"]:
        return _outcome(HISTORY, manifest, kind, result.fingerprint, newly_trusted,
                        f"已导入 {what}{trusted_note}作为历史版本:已有更新的第{latest}版,仍以第{latest}版为准。")
    replaced = f",取代第{latest}版" if latest is not None else ""
    return _outcome(IMPORTED, manifest, kind, result.fingerprint, newly_trusted,
                    f"已导入 {what}{replaced}{trusted_note}。"
                    + (_stale_note(store, manifest["period"], period) if month else ""))


def _stale_note(store, period: str, label: str) -> str:
    """What a clerk who already exported the month must do now that a department's bundle
    arrived after it: the exported total does not include it."""
    from .rollup import stale_export

    revision = stale_export(store, period)
    if revision is None:
        return ""
    return (f"注意:本单位已导出的{label}第{revision}版合计不含这份数据,"
            f"请“更正”后重新导出第{revision + 1}版。")


def _who_we_receive(profile: Profile, expected: list[Sender]) -> str:
    if not expected:
        return f"{profile.unit}不接收数据包:只有市(州)版权局和省级部门汇总数据。"
    units = [geography().default_unit(s.region, s.department) for s in expected]
    shown = "、".join(units[:6]) + (f"等 {len(units)} 个单位" if len(units) > 6 else "")
    return f"本单位接收:{shown}。"


def _check_key(store, sender: Sender, manifest: dict, result, trust_new: bool) -> bool:
    """True when the key is to be trusted now (first key of a new office, --trust-new)."""
    from .signing import TRUST_ADD_HOW, grouped

    fp = result.fingerprint
    rows = store.db.execute(
        "SELECT DISTINCT region, department, fingerprint FROM received_bundles").fetchall()
    office_keys = {f for r, d, f in rows if Sender(r, d) == sender}
    others = sorted({geography().default_unit(r, d) for r, d, f in rows
                     if f == fp and Sender(r, d) != sender})
    if others:
        raise UserError(f"{manifest['unit']}的数据包是用{'、'.join(others)}的密钥"
                        f"(指纹 {grouped(fp)})签名的,未导入。",
                        ["一个单位应使用自己的密钥;请与对方核实。"])
    if result.trusted:  # on the trust list for exactly this office (verify._check_trust)
        return False
    if result.trust_note:  # on the trust list, but for another office or for none
        raise UserError(f"{manifest['unit']}的数据包未导入:{result.trust_note}。",
                        ["一个公钥只代表一个单位;请与对方核实。"])
    if fp in office_keys or store.was_removed(fp):  # trusted once, then removed from the list
        raise UserError(
            f"{manifest['unit']}的公钥(指纹 {grouped(fp)})已从受信任列表中移除,未导入。",
            ["以前用这个公钥导入的数据包仍保留。若对方仍在使用这个密钥,请通过电话或盖章公函与对方"
             f"核对后,把对方的公钥文件重新加入受信任列表({TRUST_ADD_HOW}),再导入。"])
    if office_keys:
        raise UserError(
            f"{manifest['unit']}换了签名密钥(新指纹 {grouped(fp)},以前是 "
            f"{'、'.join(grouped(k) for k in sorted(office_keys))}),未导入。",
            ["请通过电话或盖章公函与对方核对新指纹,确认后把对方的公钥文件加入受信任列表"
             f"({TRUST_ADD_HOW}),再导入。"])
    if not trust_new:
        raise UntrustedKey(
            f"{manifest['unit']}的公钥(指纹 {grouped(fp)})不在受信任列表中,未导入。",
            ["与对方打印或电话告知的指纹核对一致后,用 jianwang import --trust-new 导入,"
             "或先用 jianwang trust add 公钥文件 加入受信任列表。"], manifest["unit"], fp, sender)
    return True


def _refuse_a_broken_chain(store, kind: str, sender: Sender, manifest: dict, result,
                           source: str) -> None:
    """An office's revisions of a month form a chain: each manifest names the hash of the
    one before (`previous`), and from the second on changes.json lists them all. A bundle
    that does not continue the revisions received, or that a later one received does not
    continue, is refused, as a second bundle of the same revision is."""
    revision = manifest["revision"]
    listed = {r["revision"]: r["manifest_sha256"]
              for r in (result.changes or {}).get("revisions", [])}
    for other_id, other, other_sha256, other_previous in store.db.execute(
            "SELECT id, revision, manifest_sha256, previous FROM received_bundles "
            "WHERE campaign = ? AND kind = ? AND region = ? AND department = ? AND period = ?",
            [manifest["campaign"], kind, sender.region, sender.department, manifest["period"]]
    ).fetchall():
        if other == revision - 1:
            joined = manifest["previous"] == other_sha256
        elif other == revision + 1:
            joined = other_previous == result.manifest_sha256
        elif other < revision:
            joined = not listed or listed.get(other) == other_sha256
        else:  # a later revision received before this one: its changes.json lists this one
            later = _listed_revisions(store.db.execute(
                "SELECT bundle FROM received_bundles WHERE id = ?", [other_id]).fetchone()[0])
            joined = not later or later.get(revision) == result.manifest_sha256
        if not joined:
            raise UserError(
                f"{source}:{manifest['unit']}{manifest['period']}第{revision}版与已收到的"
                f"第{other}版接不上(两版记录的前后版本不一致),未导入。",
                ["同一单位同一月份的各版应一版接一版地导出;对方可能恢复过旧的数据库后又导出。"
                 "请与对方核实,必要时请对方重新导出最新一版。"])


def _listed_revisions(raw: bytes) -> dict[int, str]:
    """{revision: manifest sha256} of the earlier revisions a stored bundle's changes.json
    lists (it was verified when it came in); {} for a first revision or a 工作计划/总结."""
    import io
    import zipfile

    from .bundle import CHANGES_NAME

    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        if CHANGES_NAME not in archive.namelist():
            return {}
        changes = json.loads(archive.read(CHANGES_NAME))
    return {r["revision"]: r["manifest_sha256"] for r in changes["revisions"]}


def _latest_revision(store, kind: str, sender: Sender, period: str) -> int | None:
    return store.db.execute(
        "SELECT max(revision) FROM received_bundles WHERE campaign = ? AND kind = ? "
        "AND region = ? AND department = ? AND period = ?",
        [store.form.campaign, kind, sender.region, sender.department, period]).fetchone()[0]


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now(timezone.utc).astimezone()).isoformat(timespec="seconds")


def _insert(store, raw: bytes, sha256: str, kind: str, manifest: dict, result, source: str,
            now: datetime | None) -> int:
    from .interchange import month_to_dict

    statistics = None
    if result.month is not None and kind == MONTH_KIND:
        header = Profile(manifest["region"], manifest["department"], manifest["unit"], "", "")
        data = month_to_dict(store.form, header, result.month)
        statistics = json.dumps(data["statistics"], ensure_ascii=False)
    manifest_raw = json.dumps(manifest, ensure_ascii=False, default=str)
    cursor = store.db.execute(
        "INSERT INTO received_bundles (sha256, kind, campaign, region, department, unit, period, "
        "revision, created, previous, manifest_sha256, fingerprint, file_name, received, "
        "manifest, statistics, bundle) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [sha256, kind, manifest["campaign"], manifest["region"], manifest["department"],
         manifest["unit"], manifest["period"], manifest["revision"], manifest["created"],
         manifest["previous"], result.manifest_sha256, result.fingerprint, source,
         _stamp(now), manifest_raw, statistics, raw])
    return cursor.lastrowid


def _insert_cases(store, bundle_id: int, cases) -> None:
    from .store import encode_value

    store.db.conn.executemany(
        "INSERT INTO received_cases (bundle_id, position, " + ", ".join(CASE_TEXT_FIELDS)
        + ", category, measures) VALUES (?, ?, " + ", ".join("?" for _ in CASE_TEXT_FIELDS)
        + ", ?, ?)",
        [[bundle_id, i, *(c.text(k) for k in CASE_TEXT_FIELDS), c.category,
          json.dumps({k: encode_value(v) for k, v in c.measures.items()}, ensure_ascii=False)]
         for i, c in enumerate(cases)])


def _outcome(status, manifest, kind, fingerprint, newly_trusted, message) -> ImportOutcome:
    return ImportOutcome(status, manifest["unit"], manifest["period"], manifest["revision"],
                         kind, fingerprint, newly_trusted, message)


# ---------------------------------------------------------------- what was received


def received(store, kind: str = MONTH_KIND, period: str | None = None) -> list[Received]:
    """Every stored bundle of a kind (all revisions), oldest revision first."""
    sql = (f"SELECT {_RECEIVED_COLUMNS} FROM received_bundles WHERE campaign = ? AND kind = ?")
    args: list = [store.form.campaign, kind]
    if period is not None:
        sql += " AND period = ?"
        args.append(period)
    rows = store.db.execute(sql + " ORDER BY region, department, period, revision", args)
    return [Received(*row) for row in rows]


def current_bundles(store, period: str, kind: str = MONTH_KIND) -> dict[Sender, Received]:
    """The highest revision received of each office for the period."""
    out: dict[Sender, Received] = {}
    for item in received(store, kind, period):
        out[item.sender] = item  # ordered by revision: the last one wins
    return out


def received_grid(store, bundle_id: int) -> Grid:
    """The 附件1 figures of a stored bundle, exact."""
    row = store.db.execute("SELECT statistics FROM received_bundles WHERE id = ?",
                           [bundle_id]).fetchone()
    grid = empty_grid(store.form)
    for category, values in json.loads(row[0] or "{}").items():
        for key, value in values.items():
            if category in grid and key in grid[category] and value is not None:
                grid[category][key] = (Decimal(value) if store.form.measure(key).is_amount
                                       else int(value))
    return grid


