"""What the servers wrote to disk, read without changing it.

SQLite files are opened read-only (`mode=ro`): a wrong path fails instead of
quietly creating an empty database in which "no phone number" would be true.
A privacy check first shows that the file holds the conversation it is about.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List


@contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    assert path.is_file(), f"{path} does not exist"
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        yield connection
    finally:
        connection.close()


def rows(path: Path, sql: str, *parameters: object) -> List[dict]:
    with read_only(path) as connection:
        return [dict(row) for row in connection.execute(sql, parameters)]


def tracker_events(path: Path, sender: str) -> List[dict]:
    """The rows Rasa's SQL tracker store holds for one conversation."""
    return rows(path, "SELECT * FROM events WHERE sender_id = ? ORDER BY id", sender)


def everything(path: Path) -> str:
    """Every row of every table, one JSON line each."""
    with read_only(path) as connection:
        tables = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        assert tables, f"{path} has no tables"
        return "\n".join(
            json.dumps(list(row), default=str) for t in tables for row in connection.execute(f'SELECT * FROM "{t}"')
        )


def log_text(path: Path) -> str:
    assert path.is_file(), f"{path} does not exist"
    return path.read_text("utf-8", "replace")
