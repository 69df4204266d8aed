"""The durable outbox on real SQLite and PostgreSQL: stored sealed, delivered
once, retried with backoff, withdrawn or cancelled."""

import datetime as dt
import hashlib
import hmac
import uuid

import pytest
import sqlalchemy as sa

from bot.handoff.delivery import delivered, signed_headers, target
from bot.handoff.outbox import INTAKE, WITHDRAW, Outbox, Pending, backoff
from bot.handoff.reference import is_reference
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


def test_the_signature_and_the_withdraw_address():
    headers = signed_headers("secret", b'{"a":1}', now=1_700_000_000)
    expected = hmac.new(b"secret", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
    assert headers["X-Paligs-Signature"] == f"sha256={expected}" and headers["X-Paligs-Timestamp"] == "1700000000"
    withdraw = Pending("id", WITHDRAW, "K7M29QX4", b"{}", 0)
    assert target("http://x/api/intakes", withdraw) == "http://x/api/intakes/K7M29QX4/withdraw"


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
