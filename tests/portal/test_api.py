"""The signed intake API against the real server, on SQLite and PostgreSQL."""

import json
import time

import httpx
import pytest
from sqlalchemy import func, select

from portal.models import AuditEvent, Intake
from tests.portal import helpers


def stored(server, reference: str) -> int:
    async def count(session):
        return await session.scalar(select(func.count()).select_from(Intake).where(Intake.reference == reference))

    return helpers.run(count, server.db_url)


def total(server) -> int:
    async def count(session):
        return await session.scalar(select(func.count()).select_from(Intake))

    return helpers.run(count, server.db_url)


def test_valid_intake_is_stored_once_even_when_sent_twice(server):
    body = helpers.intake()
    first = helpers.send(server.base_url, body)
    assert first.status_code == 201, first.text
    assert first.json()["reference"] == body["reference"] and first.json()["created"] is True
    again = helpers.send(server.base_url, body, now=time.time() + 1)  # a retry signs again (a later second)
    assert again.status_code == 200
    assert again.json() == {**first.json(), "created": False}
    assert stored(server, body["reference"]) == 1


def test_without_id_the_reference_is_the_idempotency_key(server):
    body = helpers.intake()
    del body["id"]
    assert helpers.send(server.base_url, body).status_code == 201
    assert helpers.send(server.base_url, body, now=time.time() + 1).status_code == 200
    assert stored(server, body["reference"]) == 1


def test_same_id_with_another_reference_is_a_conflict(server):
    body = helpers.intake()
    assert helpers.send(server.base_url, body).status_code == 201
    clash = helpers.send(server.base_url, {**body, "reference": helpers.new_reference()})
    assert clash.status_code == 409
    assert stored(server, body["reference"]) == 1


def refused(server, response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert "error" in response.json()


@pytest.mark.parametrize(
    "case, status",
    [
        ("bad signature", 401),
        ("wrong secret", 401),
        ("no signature", 401),
        ("stale timestamp", 401),
        ("future timestamp", 401),
        ("oversized", 413),
        ("malformed json", 400),
        ("not utf-8", 400),
        ("wrong content type", 415),
        ("invalid field", 422),
        ("unknown field", 422),
        ("json array", 422),
        ("script in enum", 422),
        ("unknown channel", 422),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_stored(server, case, status):
    before = total(server)
    body = helpers.intake()
    url = server.base_url
    if case == "bad signature":
        payload = json.dumps(body).encode()
        headers = helpers.signing.signed_headers(helpers.INTAKE_SECRET.encode(), "POST", "/api/intakes", payload)
        headers["X-Paligs-Signature"] = "sha256=" + "0" * 64
        response = httpx.post(url + "/api/intakes", content=payload,
                              headers={**headers, "Content-Type": "application/json"})
    elif case == "wrong secret":
        response = helpers.send(url, body, secret="not-the-secret")
    elif case == "no signature":
        response = httpx.post(url + "/api/intakes", json=body)
    elif case == "stale timestamp":
        # well past the 300 s skew: int() truncation and a slow request must not bring it back inside
        response = helpers.send(url, body, now=time.time() - 400)
    elif case == "future timestamp":
        response = helpers.send(url, body, now=time.time() + 400)
    elif case == "oversized":
        response = helpers.send(url, None, raw=json.dumps({**body, "pad": "x" * 70000}).encode())
    elif case == "malformed json":
        response = helpers.send(url, None, raw=b'{"reference": ')
    elif case == "not utf-8":
        response = helpers.send(url, None, raw=b'{"reference": "\xff\xfe"}')
    elif case == "wrong content type":
        response = helpers.send(url, body, content_type="text/plain")
    elif case == "invalid field":
        response = helpers.send(url, {**body, "urgent": "yes", "reference": "ILOU1234"})
        assert set(response.json()["problems"]) == {
            "urgent: must be true or false", "reference: must be 8 characters of Crockford base32"}
    elif case == "unknown field":
        response = helpers.send(url, {**body, "name": "Anna"})
        assert response.json()["problems"] == ["name: unknown field"]
    elif case == "json array":
        response = helpers.send(url, [body])
    elif case == "script in enum":
        response = helpers.send(url, {**body, "language": "<script>alert(1)</script>"})
    elif case == "unknown channel":
        response = helpers.send(url, {**body, "channel": "viber"})
        assert response.json()["problems"] == ["channel: must be one of web, sms, rest, whatsapp, telegram"]
    refused(server, response, status)
    assert total(server) == before


def test_withdraw_marks_withdrawn_and_erases_contact(server):
    body = helpers.intake()
    assert helpers.send(server.base_url, body).status_code == 201
    reference = body["reference"]
    path = f"/api/intakes/{reference}/withdraw"
    unsigned = httpx.post(server.base_url + path, json={"reference": reference})
    assert unsigned.status_code == 401
    # the body must name the reference of the path
    for wrong in ({}, {"reference": helpers.new_reference()}, [reference], {"reference": reference.lower()}):
        assert helpers.withdraw(server.base_url, reference, wrong).status_code == 422, wrong
    assert helpers.withdraw(server.base_url, reference, raw=b"{").status_code == 400
    response = helpers.withdraw(server.base_url, reference)
    assert response.status_code == 200 and response.json()["changed"] is True
    # sent again, signed again (a later second): nothing more to do
    assert helpers.withdraw(server.base_url, reference, now=time.time() + 1).json()["changed"] is False
    assert helpers.withdraw(server.base_url, "ZZZZZZZZ").status_code == 404

    async def read(session):
        intake = await session.scalar(select(Intake).where(Intake.reference == body["reference"]))
        query = select(AuditEvent.action).where(AuditEvent.reference == body["reference"])
        events = (await session.scalars(query)).all()
        return intake, events

    intake, events = helpers.run(read, server.db_url)
    assert intake.status == "withdrawn" and intake.contact_sealed is None and intake.contact_erased_at
    assert {"receive", "withdraw"} <= set(events)


def test_new_intake_mail_has_no_personal_data(server, mailbox):
    body = helpers.intake(urgent=True, provider="any")
    assert helpers.send(server.base_url, body).status_code == 201
    mails = mailbox.wait_for(lambda m: body["reference"] in m[1]["Subject"])
    assert mails, "no e-mail arrived at the local SMTP server"
    recipients, message = mails[0]
    assert sorted(recipients) == ["intake@drosamaja.example.lv", "intake@marta.example.lv"]
    text = message.get_body().get_content()
    assert f"https://portal.example.lv/portal/intakes/{body['reference']}" in text
    assert "URGENT" in message["Subject"]
    for secret in ("+371 20000001", "after 18:00", "emb-tashkent", "uz", "construction", "passport"):
        assert secret not in text and secret not in message["Subject"]

    async def notified(session):
        return await session.scalar(select(Intake.notified_at).where(Intake.reference == body["reference"]))

    deadline = time.time() + 10
    while helpers.run(notified, server.db_url) is None and time.time() < deadline:
        time.sleep(0.2)
    assert helpers.run(notified, server.db_url) is not None


def test_health(server):
    assert httpx.get(server.base_url + "/health").json() == {"status": "ok"}
