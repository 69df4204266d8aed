"""The funnel's counters in the outbox database, on real SQLite and PostgreSQL: atomic
increments, what is due for the portal, retention by weeks, and a table with no room for
anything about a person."""

import datetime as dt
import threading
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from bot.campaigns.funnel import CHAT_OPENED, FIRST_MESSAGE, HANDOFF_SENT, FunnelKey
from bot.campaigns.funnel_store import Counted, FunnelCounts, FunnelRecorder
from bot.handoff.outbox import Outbox
from tests.support.services import temporary_postgres_database

KEY = "funnel-test-key"
UTC = dt.timezone.utc
NOW = dt.datetime(2026, 12, 9, 12, 0)  # Wednesday of 2026-W50, naive UTC like the outbox's times


def key(step=CHAT_OPENED, week="2026-W50", campaign="emb-tashkent", language="uz", channel="web"):
    return FunnelKey(week, campaign, language, channel, step)


@pytest.fixture(params=["sqlite", "postgresql"])
def outbox(request, tmp_path):
    """The action server's outbox, which holds the funnel's counters (Outbox.funnel)."""
    if request.param == "sqlite":
        box = Outbox(f"sqlite:///{tmp_path}/outbox.db", KEY, funnel_retention_weeks=4)
        yield box
        box.engine.dispose()
    else:
        with temporary_postgres_database() as url:
            box = Outbox(url, KEY, funnel_retention_weeks=4)
            yield box
            box.engine.dispose()


def test_a_count_is_inserted_then_incremented(outbox):
    counts = outbox.funnel
    assert counts.engine is outbox.engine and counts.totals() == {}
    counts.increment(key(), now=NOW)
    counts.increment(key(), now=NOW + dt.timedelta(hours=1))
    counts.increment(key(FIRST_MESSAGE), now=NOW)
    counts.increment(key(channel="sms"), now=NOW)
    assert counts.totals() == {key(): 2, key(FIRST_MESSAGE): 1, key(channel="sms"): 1}
    with outbox.engine.connect() as conn:
        [(count, updated_at)] = conn.execute(sa.text(
            "SELECT count, updated_at FROM funnel_counts WHERE step = 'chat_opened' AND channel = 'web'"
        )).all()
    assert count == 2 and str(updated_at).startswith("2026-12-09 13:00")


def test_concurrent_increments_lose_nothing(outbox):
    threads, each = 8, 40
    keys = [key(), key(HANDOFF_SENT)]
    start = threading.Barrier(threads)
    failures = []

    def count_many():
        start.wait()
        try:
            for n in range(each):
                outbox.funnel.increment(keys[n % 2])
        except Exception as error:  # pragma: no cover - shown in the assertion below
            failures.append(error)

    workers = [threading.Thread(target=count_many) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert failures == []
    assert outbox.funnel.totals() == {keys[0]: threads * each // 2, keys[1]: threads * each // 2}


def test_what_is_due_for_the_portal_and_what_it_confirmed(outbox):
    counts = outbox.funnel
    for _ in range(3):
        counts.increment(key())
    counts.increment(key(FIRST_MESSAGE))
    due = counts.unpushed(10)
    assert due == [Counted(key(), 3), Counted(key(FIRST_MESSAGE), 1)]  # ordered by the key's dimensions
    assert counts.unpushed(1) == due[:1]
    counts.increment(key())  # grows while the push is on its way
    counts.mark_pushed(due)
    assert counts.unpushed(10) == [Counted(key(), 4)]  # still due, at its new count
    counts.mark_pushed([Counted(key(), 2)])  # an older confirmation arriving late changes nothing
    assert counts.unpushed(10) == [Counted(key(), 4)]
    counts.mark_pushed([Counted(key(), 4)])
    assert counts.unpushed(10) == []
    counts.mark_pushed([])


def test_weeks_past_the_retention_are_purged_with_the_outbox(outbox):
    weeks = ["2026-W44", "2026-W45", "2026-W46", "2026-W50", "2027-W01"]
    for week in weeks:
        outbox.funnel.increment(key(week=week))
    # kept: the current week and the 4 before it (funnel_retention_weeks=4); 2027-W01 is ahead
    assert outbox.purge(30, now=NOW) == 0  # what it returns stays the delivered outbox entries
    assert sorted(k.week for k in outbox.funnel.totals()) == ["2026-W46", "2026-W50", "2027-W01"]
    assert outbox.funnel.purge(NOW + dt.timedelta(weeks=4)) == 1
    assert sorted(k.week for k in outbox.funnel.totals()) == ["2026-W50", "2027-W01"]


@pytest.mark.parametrize(
    "now, oldest_kept",
    [
        # 156 weeks (the default, three years) back from 2026-W50 is 2023-W50
        (dt.datetime(2026, 12, 9, 12, 0), "2023-W50"),
        # the week is Riga's: late on Sunday in UTC is already the next week there
        (dt.datetime(2026, 12, 13, 22, 30), "2023-W51"),
    ],
)
def test_the_retention_counts_weeks_on_rigas_calendar(tmp_path, now, oldest_kept):
    counts = FunnelCounts(sa.create_engine(f"sqlite:///{tmp_path}/c.db", future=True), "Europe/Riga", 156)
    year, week = int(oldest_kept[:4]), int(oldest_kept[-2:])
    before = dt.date.fromisocalendar(year, week, 1) - dt.timedelta(days=1)
    just_before = f"{before.isocalendar()[0]}-W{before.isocalendar()[1]:02d}"
    counts.increment(key(week=just_before))
    counts.increment(key(week=oldest_kept))
    assert counts.purge(now) == 1
    assert [k.week for k in counts.totals()] == [oldest_kept]


def test_the_table_has_no_room_for_a_conversation_id_or_words(outbox):
    columns = {c["name"]: c["type"] for c in sa.inspect(outbox.engine).get_columns("funnel_counts")}
    assert set(columns) == {"week", "campaign", "language", "channel", "step", "count", "pushed_count", "updated_at"}
    strings = {name: t for name, t in columns.items() if isinstance(t, sa.String)}
    assert set(strings) == {"week", "campaign", "language", "channel", "step"}
    # short codes only: no Text, and no column long enough for a keyed conversation id (64 hex digits)
    assert all(t.length is not None and t.length <= 40 for t in strings.values())
    assert isinstance(columns["updated_at"], sa.DateTime)
    key_columns = sa.inspect(outbox.engine).get_pk_constraint("funnel_counts")["constrained_columns"]
    assert key_columns == ["week", "campaign", "language", "channel", "step"]


def test_the_recorder_counts_off_the_callers_thread_and_survives_a_broken_database(tmp_path, caplog):
    counts = FunnelCounts(sa.create_engine(f"sqlite:///{tmp_path}/c.db", future=True), "Europe/Riga", 156)
    recorder = FunnelRecorder(counts)
    threads = set()
    real_increment = counts.increment
    counts.increment = lambda k, now=None: (threads.add(threading.current_thread().name), real_increment(k))[1]
    recorder.record(key())
    recorder.record(key())
    recorder.flush()
    assert counts.totals() == {key(): 2}
    assert threads and all(name.startswith("funnel") for name in threads)

    def broken(k, now=None):
        raise sa.exc.OperationalError("INSERT ... 'emb-tashkent'", {}, Exception("database is locked"))

    counts.increment = broken
    recorder.record(key(HANDOFF_SENT))
    recorder.flush()
    assert "a handoff_sent count was lost (OperationalError)" in caplog.text
    counts.increment = real_increment
    recorder.record(key())  # the thread lives on
    recorder.flush()
    assert counts.totals() == {key(): 3}


def test_other_databases_are_refused():
    mysql = SimpleNamespace(dialect=SimpleNamespace(name="mysql"))
    with pytest.raises(ValueError, match="SQLite or PostgreSQL"):
        FunnelCounts(mysql, "Europe/Riga", 156)
