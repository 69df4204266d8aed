"""The durable outbox on real SQLite and PostgreSQL: stored sealed, delivered
once, retried with backoff, withdrawn or cancelled."""

import datetime as dt
import hashlib
import hmac
import uuid

import pytest
import sqlalchemy as sa

from bot.handoff.delivery import (
    IntakeUrlError,
    body_of,
    delivered,
    intake_url_problem,
    require_safe_intake_url,
    signed_headers,
    target,
)
from bot.handoff.outbox import INTAKE, WITHDRAW, Outbox, Pending, backoff, engine_arguments
from bot.handoff.reference import is_reference
from bot.settings import load_settings
from tests.support.services import temporary_postgres_database

KEY = "outbox-test-key"


@pytest.fixture(params=["sqlite", "postgresql"])
def outbox(request, tmp_path):
    if request.param == "sqlite":
        yield Outbox(f"sqlite:///{tmp_path}/outbox.db", KEY)
    else:
        with temporary_postgres_database() as url:
            box = Outbox(url, KEY)
            yield box
            box.engine.dispose()


def intake(reference, phone="+371 2000 1234"):
    return {"id": str(uuid.uuid4()), "reference": reference, "contact": {"method": "sms", "value": phone}}


def test_an_intake_is_stored_sealed_and_delivered_once(outbox):
    reference = outbox.new_reference()
    assert is_reference(reference)
    outbox.add_intake(intake(reference), "conv-1")
    with outbox.engine.connect() as conn:
        raw = repr(conn.exec_driver_sql("SELECT * FROM outbox").all())
    assert "2000 1234" not in raw and reference in raw
    [pending] = outbox.due()
    assert pending.kind == INTAKE and b"2000 1234" in pending.body  # opened only to be sent
    outbox.delivered(pending.id)
    assert outbox.due() == [] and outbox.pending_count() == 0
    with outbox.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT body FROM outbox").scalar_one() is None  # dropped once delivered


def test_a_failed_delivery_waits_longer_each_time(outbox):
    outbox.add_intake(intake(outbox.new_reference()), "conv-2")
    [pending] = outbox.due()
    now = dt.datetime.utcnow().replace(microsecond=0)
    outbox.failed(pending, "HTTP 503", now=now)
    assert outbox.due(now=now) == []
    [again] = outbox.due(now=now + backoff(1))
    assert again.attempts == 1


def test_withdrawing_an_undelivered_intake_cancels_it(outbox):
    reference = outbox.new_reference()
    outbox.add_intake(intake(reference), "conv-3")
    assert outbox.references_of("conv-3") == [reference]
    assert outbox.withdraw(reference, "conv-3") == "cancelled"
    assert outbox.due() == []


def test_withdrawing_a_delivered_intake_queues_one_withdrawal(outbox):
    reference = outbox.new_reference()
    outbox.add_intake(intake(reference), "conv-4")
    outbox.delivered(outbox.due()[0].id)
    assert outbox.withdraw(reference, "conv-4") == "queued"
    assert outbox.withdraw(reference, "conv-4") == "queued"
    [pending] = outbox.due()
    assert (pending.kind, pending.reference) == (WITHDRAW, reference)


@pytest.mark.parametrize("delivered", [False, True])
def test_a_conversation_cannot_withdraw_another_conversations_intake(outbox, delivered):
    reference = outbox.new_reference()
    outbox.add_intake(intake(reference), "victim")
    if delivered:
        outbox.delivered(outbox.due()[0].id)
    before = outbox.due()
    assert outbox.withdraw(reference, "attacker") == "unknown"
    assert outbox.due() == before and outbox.references_of("victim") == [reference]
    # Positive control: its own conversation can.
    assert outbox.withdraw(reference, "victim") == ("queued" if delivered else "cancelled")


def test_the_same_intake_cannot_be_queued_twice(outbox):
    item = intake(outbox.new_reference())
    outbox.add_intake(item, "conv-5")
    with pytest.raises(sa.exc.IntegrityError):
        outbox.add_intake(item, "conv-5")


@pytest.mark.parametrize("attempts, seconds", [(1, 2), (2, 4), (5, 32), (30, 1800)])
def test_backoff(attempts, seconds):
    assert backoff(attempts) == dt.timedelta(seconds=seconds)


@pytest.mark.parametrize(
    "kind, status, done",
    [(INTAKE, 201, True), (INTAKE, 200, True), (INTAKE, 404, False), (INTAKE, 503, False), (INTAKE, 401, False),
     (WITHDRAW, 200, True), (WITHDRAW, 404, True), (WITHDRAW, 500, False)],
)
def test_what_counts_as_delivered(kind, status, done):
    assert delivered(Pending("id", kind, "K7M29QX4", b"{}", 0), status) is done


# The same vector is checked on the receiving side (tests/portal/test_units.py).
GOLDEN = "sha256=563543179c7aa9da3de7cea4c811233c53b1469a3e7c07d0777a9981eebfed53"


def test_the_signature_binds_method_path_and_body():
    withdraw = Pending("id", WITHDRAW, "K7M29QX4", b"{}", 0)
    url = target("http://x:8080/api/intakes", withdraw)
    assert url == "http://x:8080/api/intakes/K7M29QX4/withdraw"
    body = body_of(withdraw)
    assert body == b'{"reference":"K7M29QX4"}'  # the withdrawal names its reference in the body too
    headers = signed_headers("golden-secret", "POST", url, body, now=1_700_000_000)
    assert headers["X-Paligs-Signature"] == GOLDEN and headers["X-Paligs-Timestamp"] == "1700000000"
    signed = b"1700000000\nPOST\n/api/intakes/K7M29QX4/withdraw\n" + hashlib.sha256(body).hexdigest().encode()
    assert GOLDEN == "sha256=" + hmac.new(b"golden-secret", signed, hashlib.sha256).hexdigest()
    # another reference, method or body: another signature
    other = target("http://x:8080/api/intakes", Pending("id", WITHDRAW, "K7M29QX5", b"{}", 0))
    for changed in (signed_headers("golden-secret", "POST", other, body, now=1_700_000_000),
                    signed_headers("golden-secret", "PUT", url, body, now=1_700_000_000),
                    signed_headers("golden-secret", "POST", url, b'{"reference":"K7M29QX5"}', now=1_700_000_000)):
        assert changed["X-Paligs-Signature"] != GOLDEN


def test_an_intake_is_posted_as_it_was_queued():
    intake_message = Pending("id", INTAKE, "K7M29QX4", b'{"reference":"K7M29QX4","x":1}', 0)
    assert body_of(intake_message) == intake_message.body
    assert target("https://portal.example.lv/api/intakes", intake_message) == "https://portal.example.lv/api/intakes"


@pytest.mark.parametrize(
    "url, safe",
    [
        ("https://portal.example.lv/api/intakes", True),
        ("https://10.0.0.5/api/intakes", True),
        ("http://localhost:8080/api/intakes", True),
        ("http://127.0.0.1:8080/api/intakes", True),
        ("http://[::1]:8080/api/intakes", True),
        ("http://portal:8080/api/intakes", True),  # a compose service on its own network
        ("http://intake-service/api/intakes", True),
        ("http://portal.example.lv/api/intakes", False),
        ("http://10.0.0.5:8080/api/intakes", False),
        ("http://192.168.1.10/api/intakes", False),
        ("http://1234/api/intakes", False),
        ("ftp://portal/api/intakes", False),
        ("portal:8080/api/intakes", False),
        ("", False),
    ],
)
def test_intake_url_must_be_https_except_on_loopback_or_compose(url, safe):
    assert (intake_url_problem(url) is None) is safe
    if safe:
        require_safe_intake_url(url, {"PALIGS_ENV": "production"})
    else:
        with pytest.raises(IntakeUrlError, match="INTAKE_URL"):
            require_safe_intake_url(url, {})  # unset counts as production
        require_safe_intake_url(url, {"PALIGS_ENV": "development"})  # a test machine may


def test_delivered_entries_are_forgotten_after_the_retention_period(outbox):
    outbox.add_intake(intake(outbox.new_reference()), "conv-6")
    outbox.add_intake(intake(outbox.new_reference()), "conv-7")
    first = outbox.due()[0]
    outbox.delivered(first.id)
    now = dt.datetime.utcnow()
    assert outbox.purge(30, now=now) == 0
    assert outbox.purge(30, now=now + dt.timedelta(days=31)) == 1
    assert outbox.pending_count() == 1  # an undelivered intake is never dropped


def test_an_entry_sealed_under_another_key_is_kept_but_not_sent(outbox, tmp_path):
    outbox.add_intake(intake(outbox.new_reference()), "conv-8")
    other = Outbox(str(outbox.engine.url), "another-key")
    assert other.due() == []  # cannot open it: not sent, and not lost
    assert other.pending_count() == 1
    assert len(outbox.due()) == 1  # the right key still opens it
    other.engine.dispose()


def test_intakes_since_counts_one_conversations_intakes_in_the_period(outbox):
    now = dt.datetime.utcnow().replace(microsecond=0)
    for _ in range(2):
        outbox.add_intake(intake(outbox.new_reference()), "conv-count")
    outbox.add_intake(intake(outbox.new_reference()), "conv-other")
    withdrawn = outbox.new_reference()
    outbox.add_intake(intake(withdrawn), "conv-count")
    assert outbox.intakes_since("conv-count", now - dt.timedelta(days=1)) == 3
    outbox.withdraw(withdrawn, "conv-count")  # cancelled before it left: gone, and a withdrawal is no intake
    assert outbox.intakes_since("conv-count", now - dt.timedelta(days=1)) == 2
    assert outbox.intakes_since("conv-count", now + dt.timedelta(seconds=5)) == 0
    assert outbox.intakes_since("conv-nobody", now - dt.timedelta(days=1)) == 0


@pytest.mark.parametrize("url, pool_size, max_overflow, expected", [
    ("postgresql://paligs:pw@db:5432/paligs", 2, 3, {"future": True, "pool_size": 2, "max_overflow": 3}),
    ("postgresql+psycopg2://paligs@db/paligs", 4, 0, {"future": True, "pool_size": 4, "max_overflow": 0}),
    ("postgresql://paligs@db/paligs", None, None, {"future": True}),  # SQLAlchemy's 5 + 10
    # SQLite keeps its own pool and waits for another writer instead of failing
    ("sqlite:///var/outbox.db", 2, 3, {"future": True, "connect_args": {"timeout": 10.0}}),
    ("sqlite://", 2, 3, {"future": True, "connect_args": {"timeout": 10.0}}),
])
def test_engine_arguments(url, pool_size, max_overflow, expected):
    assert engine_arguments(url, pool_size, max_overflow) == expected


@pytest.mark.parametrize("env, expected", [
    ({}, (2, 3)),
    ({"OUTBOX_POOL_SIZE": "1", "OUTBOX_MAX_OVERFLOW": "0"}, (1, 0)),
])
def test_the_settings_size_the_outboxs_postgresql_pool(env, expected):
    """What the action server and the purge open (Outbox.from_settings): the pool SQLAlchemy really has."""
    with temporary_postgres_database() as url:
        box = Outbox.from_settings(load_settings({**env, "OUTBOX_DB_URL": url, "SENDER_KEY": KEY}))
        try:
            assert (box.engine.pool.size(), box.engine.pool._max_overflow) == expected
            assert box.pending_count() == 0
        finally:
            box.engine.dispose()


def test_sqlite_keeps_sqlalchemys_pool(tmp_path):
    settings = load_settings({"OUTBOX_DB_URL": f"sqlite:///{tmp_path}/outbox.db", "OUTBOX_POOL_SIZE": "1"})
    box = Outbox.from_settings(settings)
    default = sa.create_engine(f"sqlite:///{tmp_path}/other.db", future=True)
    assert type(box.engine.pool) is type(default.pool)


def test_an_sqlite_outbox_writes_ahead_and_waits_for_another_writer(tmp_path):
    import sqlite3
    import threading

    outbox = Outbox(f"sqlite:///{tmp_path}/outbox.db", KEY)
    with outbox.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    assert sqlite3.connect(tmp_path / "outbox.db").execute("PRAGMA journal_mode").fetchone() == ("wal",)

    # Another process holds the write lock for a moment (a purge, say): the intake waits, then lands.
    other = sqlite3.connect(tmp_path / "outbox.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.5, lambda: other.execute("COMMIT")).start()
    outbox.add_intake(intake(outbox.new_reference()), "conv-waits")
    assert outbox.intakes_since("conv-waits", dt.datetime(2000, 1, 1)) == 1
