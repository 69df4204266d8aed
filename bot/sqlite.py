"""SQLite as the embedded default holds several conversations at once: the pragmas every
connection of the tracker store and the outbox gets.

- WAL: readers never wait for the writer.
- busy_timeout: a writer waits up to 10 s for another (another conversation's turn, the
  purge, the outbox's delivery) instead of failing at once with "database is locked".
- synchronous=NORMAL: a commit is synced at checkpoints, not each time (after a power cut
  the newest turns may be missing; the file stays whole).
- secure_delete: deleted conversations and intakes are overwritten with zeros, not left
  in free pages.
"""

from __future__ import annotations

from typing import Any, Dict

import sqlalchemy

BUSY_TIMEOUT_MS = 10_000

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA secure_delete=ON",
)


def is_sqlite(url: Any) -> bool:
    return sqlalchemy.engine.make_url(url).get_backend_name() == "sqlite"


def connect_arguments() -> Dict[str, Any]:
    # sqlite3's own wait, for the very first statement of a connection (before the pragma)
    return {"timeout": BUSY_TIMEOUT_MS / 1000}


def use_pragmas(engine: Any) -> None:
    """Every new connection of `engine` gets PRAGMAS."""

    def set_pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        for pragma in PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    sqlalchemy.event.listen(engine, "connect", set_pragmas)
