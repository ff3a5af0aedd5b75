"""Times as the offices read them: China Standard Time (UTC+8, no daylight saving since
1991, so a fixed offset needs no time-zone database)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")


def time_text(stamp: str, *, seconds: bool = True) -> str:
    """A stored time (ISO 8601 with its UTC offset, as exports, receipts and the audit
    trail keep it) as a clerk reads it: 2015-08-28 16:52:10 in China time, or to the
    minute. Text that is no such time (a damaged bundle's) is shown as it is."""
    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return str(stamp).replace("T", " ")[:19]
    if moment.tzinfo is not None:
        moment = moment.astimezone(CHINA)
    return moment.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
