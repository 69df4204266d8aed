"""The ledger of Telegram message ids /clear may delete (bot/telegram/ledger.py), on a real
SQLite file and on a PostgreSQL database made for the test."""

import datetime as dt

import pytest
import sqlalchemy as sa

from bot.telegram.ledger import DELETABLE_FOR, MARGIN, MessageLedger, keep_for
from tests.support.services import temporary_postgres_database

NOW = dt.datetime(2024, 5, 1, 12, 0, 0)  # naive UTC, as the ledger stores it
A, B = "tg-" + "a" * 32, "tg-" + "b" * 32


def ago(**delta):
    return NOW - dt.timedelta(**delta)


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path}/tracker.db"


@pytest.fixture
def ledger(sqlite_url):
    ledger = MessageLedger(sqlite_url)
    yield ledger
    ledger.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_ledger(request, sqlite_url):
    """The same ledger on both databases the tracker store may use. PostgreSQL must be there:
    like tests/bot/conftest.py, a missing service fails the test rather than skipping it."""
    if request.param == "sqlite":
        ledger = MessageLedger(sqlite_url)
        yield ledger
        ledger.dispose()
    else:
        with temporary_postgres_database() as url:
            ledger = MessageLedger(url)
            yield ledger
            ledger.dispose()


@pytest.mark.parametrize(
    "retention_days, keep",
    [
        (30, DELETABLE_FOR - MARGIN),  # Telegram's 48 hours, less a margin
        (2, DELETABLE_FOR - MARGIN),
        (1, dt.timedelta(hours=24)),  # a shorter retention wins
        (0, dt.timedelta(0)),
        (-3, dt.timedelta(0)),
    ],
)
def test_keep_for(retention_days, keep):
    assert keep_for(retention_days) == keep


def test_recorded_ids_are_deletable_sorted_and_each_once(any_ledger):
    any_ledger.record(A, [12, 10], now=ago(hours=2))
    any_ledger.record(A, [11, 10], now=ago(hours=1))  # 10 again: a retried send
    any_ledger.record(B, [99], now=ago(hours=1))
    assert any_ledger.deletable(A, now=NOW) == [10, 11, 12]
    assert any_ledger.deletable(B, now=NOW) == [99]
    assert any_ledger.deletable("tg-nobody", now=NOW) == []


def test_forget_removes_only_that_conversation(any_ledger):
    any_ledger.record(A, [1, 2], now=NOW)
    any_ledger.record(B, [3], now=NOW)
    any_ledger.forget(A)
    assert any_ledger.deletable(A, now=NOW) == []
    assert any_ledger.deletable(B, now=NOW) == [3]


def test_big_message_ids_are_kept_whole(any_ledger):
    # message ids are 64-bit in the Bot API
    any_ledger.record(A, [2**40 + 1], now=NOW)
    assert any_ledger.deletable(A, now=NOW) == [2**40 + 1]


@pytest.mark.parametrize(
    "age, deletable",
    [
        (dt.timedelta(0), True),
        (dt.timedelta(hours=47), True),
        (DELETABLE_FOR - MARGIN, True),  # the edge of the window is still inside
        (DELETABLE_FOR - MARGIN + dt.timedelta(seconds=1), False),
        (dt.timedelta(hours=48), False),  # Telegram no longer allows it
        (dt.timedelta(hours=49), False),
    ],
)
def test_only_messages_within_the_window_are_deletable(ledger, age, deletable):
    ledger.record(A, [7], now=NOW - age)
    assert ledger.deletable(A, now=NOW) == ([7] if deletable else [])


@pytest.mark.parametrize(
    "age, deletable",
    [(dt.timedelta(hours=23), True), (dt.timedelta(hours=24), True), (dt.timedelta(hours=25), False),
     (dt.timedelta(hours=47), False)],
)
def test_a_one_day_retention_keeps_ids_for_24_hours(sqlite_url, age, deletable):
    ledger = MessageLedger(sqlite_url, retention_days=1)
    try:
        ledger.record(A, [7], now=NOW - age)
        assert ledger.deletable(A, now=NOW) == ([7] if deletable else [])
    finally:
        ledger.dispose()


def test_purge_removes_only_old_rows_and_counts_them(ledger):
    # newest first: every write also clears rows past the window as of its own time
    ledger.record(B, [5], now=ago(hours=1))
    ledger.record(A, [4], now=ago(hours=47))
    ledger.record(A, [1, 2], now=ago(hours=49))
    ledger.record(B, [3], now=ago(hours=50))
    assert ledger.purge(now=NOW) == 3
    assert ledger.purge(now=NOW) == 0
    assert ledger.deletable(A, now=NOW) == [4]
    assert ledger.deletable(B, now=NOW) == [5]
    with ledger.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM telegram_messages")).scalar() == 2


def test_every_write_removes_rows_past_the_window(ledger):
    ledger.record(A, [1], now=ago(hours=49))
    ledger.record(B, [2], now=NOW)  # another conversation's write clears A's old row too
    assert ledger.purge(now=NOW) == 0


def test_record_without_ids_still_removes_old_rows(ledger):
    ledger.record(A, [1], now=ago(hours=49))
    ledger.record(A, [], now=NOW)
    assert ledger.purge(now=NOW) == 0


def test_the_table_has_no_column_that_could_hold_a_chat_id(ledger):
    # the chat id only arrives with the person's next update; it is never stored
    columns = {c["name"] for c in sa.inspect(ledger.engine).get_columns("telegram_messages")}
    assert columns == {"id", "conversation", "message_id", "sent_at"}


def test_a_second_ledger_on_the_same_database_sees_the_same_ids(sqlite_url):
    # every Rasa replica makes its own ledger on the tracker store's database
    first, second = MessageLedger(sqlite_url), MessageLedger(sqlite_url)
    try:
        first.record(A, [5], now=NOW)
        assert second.deletable(A, now=NOW) == [5]
    finally:
        first.dispose()
        second.dispose()
