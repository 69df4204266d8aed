"""What the load and fault tests share with `bench/run.py load`: where intakes are counted, and the
verdict on a load's summary (bench/load.py makes it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, List, Mapping

from tests.support import stored


def portal_references(portal_db: Path) -> Callable[[], List[str]]:
    """Every intake the portal stored (one reference per row), read-only from its SQLite file; none
    while the portal has not made the file yet."""

    def read() -> List[str]:
        if not portal_db.is_file():
            return []
        return [row["reference"] for row in stored.rows(portal_db, "SELECT reference FROM intakes")]

    return read


def outbox_references(outbox_db: Path) -> Callable[[], List[str]]:
    """Every intake the assistant queued in its SQLite outbox (delivered or not): where an intake is
    kept durably before the person is told it was sent."""

    def read() -> List[str]:
        if not outbox_db.is_file():
            return []
        rows = stored.rows(outbox_db, "SELECT reference FROM outbox WHERE kind = 'intake'")
        return [row["reference"] for row in rows]

    return read


def show(summary: Mapping[str, Any]) -> str:
    keep = {k: v for k, v in summary.items() if k != "people_detail"}
    return json.dumps(keep, ensure_ascii=False, indent=1)


def assert_nothing_went_wrong(summary: Mapping[str, Any]) -> None:
    """Every message answered, on script and in its conversation's language; every person to the
    end; every intake a person was shown arrived once, and none arrived that nobody was shown.
    The positive controls first: the people wrote, in several languages, and some handed off."""
    detail = show(summary)
    assert summary["messages"] >= summary["people"] * 10, detail
    assert len(summary["languages"]) >= 2 and set(summary["by_transport"]) == {"rest", "socketio"}, detail
    assert summary["intakes"]["expected"] >= 1, detail
    assert summary["errors"] == 0, detail
    assert summary["wrong_language"] == 0, detail
    assert summary["off_script"] == 0, detail
    assert summary["outcomes"] == {"finished": summary["people"]}, detail
    assert summary["handoffs"]["shown_a_reference"] == summary["handoffs"]["planned"], detail
    assert (summary["intakes"]["lost"], summary["intakes"]["duplicated"]) == (0, 0), detail
    assert summary["intakes"]["delivered"] == summary["intakes"]["expected"], detail
