"""Attacks on the portal's accounts and the signed intake API, against real
servers on SQLite and PostgreSQL, each paired with the request that should work."""

import json
import re
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pyotp
import pytest
from sqlalchemy import func, select, text

from portal.models import AuditEvent, Intake, LoginThrottle
from tests.portal import helpers

DELAY = 5  # PORTAL_LOGIN_DELAY_SECONDS for the throttling test's own server


def at_once(calls):
    """Run the calls concurrently (threads) and return their results in order."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return [future.result() for future in [pool.submit(call) for call in calls]]


def cookie_header(client: helpers.StaffClient) -> dict:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in client.cookies.items())}


@pytest.fixture
def throttled_server(backend, db_url, tmp_path):
    with helpers.running_server(db_url, tmp_path, backend, PORTAL_LOGIN_DELAY_SECONDS=str(DELAY)) as running:
        yield running


def test_thirty_concurrent_wrong_logins_record_no_more_than_the_limit(throttled_server):
    server = throttled_server
    account = helpers.add_user(server, "marta", "staff")
    form = helpers.StaffClient(server.base_url)
    form.get("/portal/login")
    csrf, headers = form.csrf(), cookie_header(form)

    def wrong():
        return httpx.post(server.base_url + "/portal/login", headers=headers, timeout=60,
                          data={"csrf": csrf, "email": account.email, "password": "a wrong guess, again"})

    statuses = [response.status_code for response in at_once([wrong] * 30)]
    assert set(statuses) <= {401, 429} and statuses.count(401) <= 5 and 429 in statuses, statuses

    async def recorded(session):
        failed = await session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "login_failed", AuditEvent.actor == account.email))
        counters = (await session.scalars(select(LoginThrottle.failures))).all()
        return failed, counters

    failed, counters = helpers.run(recorded, server.db_url)
    assert 1 <= failed <= 5 and max(counters) <= 5, (failed, counters)

    # the real user: refused while the delay lasts (and not counted), let in after it
    real = helpers.StaffClient(server.base_url)
    real.get("/portal/login")
    early = real.post("/portal/login", {"email": account.email, "password": account.password})
    assert early.status_code == 429 and 1 <= int(early.headers["retry-after"]) <= DELAY
    time.sleep(int(early.headers["retry-after"]) + 0.5)
    assert real.login(account).status_code == 303
    assert real.get("/portal/intakes").status_code == 200


def test_a_failed_login_keeps_nothing_of_what_was_typed(server):
    typed = "someone-typed-this-" + helpers.new_reference().lower() + "@example.lv"
    client = helpers.StaffClient(server.base_url)
    client.get("/portal/login")
    assert client.post("/portal/login", {"email": typed, "password": "any password at all"}).status_code == 401

    async def everything(session):
        rows = []
        for table in ("audit_events", "login_throttle", "sessions", "users"):
            rows += [repr(tuple(row)) for row in (await session.execute(text(f"SELECT * FROM {table}"))).all()]
        return "\n".join(rows)

    dump = helpers.run(everything, server.db_url)
    assert "login_failed" in dump  # the failure is recorded...
    assert typed not in dump and "someone-typed-this" not in dump  # ...but not what was typed
    # positive control: a real account's failure is recorded under that account
    account = helpers.add_user(server, "marta", "staff")
    client.post("/portal/login", {"email": account.email, "password": "not the password!"})
    assert account.email in helpers.run(everything, server.db_url)


def test_one_totp_code_posted_twice_at_the_same_instant_works_once(server):
    account = helpers.add_user(server, "marta", "staff")
    clients = []
    for _ in range(2):
        client = helpers.StaffClient(server.base_url)
        client.get("/portal/login")
        assert client.post("/portal/login", {"email": account.email, "password": account.password}).status_code == 303
        client.get("/portal/login/totp")
        clients.append(client)
    code = pyotp.TOTP(account.totp_secret).now()
    forms = [{"csrf": client.csrf(), "code": code} for client in clients]
    responses = at_once([lambda c=c, f=f: c.post("/portal/login/totp", f) for c, f in zip(clients, forms, strict=True)])
    assert sorted(r.status_code for r in responses) == [303, 401]
    winner = clients[[r.status_code for r in responses].index(303)]
    assert winner.get("/portal/intakes").status_code == 200  # the one that won is in


def test_an_intake_for_either_provider_belongs_to_the_first_that_acknowledges_it(server):
    body = helpers.intake(provider="any")
    assert helpers.send(server.base_url, body).status_code == 201
    reference = body["reference"]
    marta, _ = helpers.logged_in(server, "marta", "staff")
    drosa, _ = helpers.logged_in(server, "drosa_maja", "staff")
    # before anyone acknowledges it, both see it (the positive control)
    for client in (marta, drosa):
        assert client.get(f"/portal/intakes/{reference}").status_code == 200
        assert client.get(f"/portal/api/intakes/{reference}").status_code == 200
    marta.get(f"/portal/intakes/{reference}")
    marta.post(f"/portal/intakes/{reference}/notes", {"note": "marta's own note"})
    assert "marta&#39;s own note" in marta.get(f"/portal/intakes/{reference}").text
    assert "marta&#39;s own note" not in drosa.get(f"/portal/intakes/{reference}").text  # notes: author's provider

    marta.get(f"/portal/intakes/{reference}")
    assert marta.post(f"/portal/intakes/{reference}/status", {"status": "acknowledged"}).status_code == 303
    assert marta.get(f"/portal/api/intakes/{reference}").json()["status"] == "acknowledged"
    assert drosa.get(f"/portal/intakes/{reference}").status_code == 404
    assert drosa.get(f"/portal/api/intakes/{reference}").status_code == 404
    assert reference not in drosa.get("/portal/intakes").text
    assert reference not in json.dumps(drosa.get("/portal/api/intakes").json())
    drosa.get("/portal/intakes")
    assert drosa.post(f"/portal/intakes/{reference}/reveal").status_code == 404
    # marta's history does not show what drosa's staff did, and marta keeps working on it
    page = marta.get(f"/portal/intakes/{reference}").text
    assert "drosa_maja.example.lv" not in page and "marta's own note".replace("'", "&#39;") in page


def test_two_providers_acknowledging_at_once_one_wins(server):
    body = helpers.intake(provider="any")
    assert helpers.send(server.base_url, body).status_code == 201
    reference = body["reference"]
    clients = [helpers.logged_in(server, provider, "staff")[0] for provider in ("marta", "drosa_maja")]
    forms = []
    for client in clients:
        client.get(f"/portal/intakes/{reference}")
        forms.append({"csrf": client.csrf(), "status": "acknowledged"})
    responses = at_once([lambda c=c, f=f: c.post(f"/portal/intakes/{reference}/status", f)
                         for c, f in zip(clients, forms, strict=True)])
    assert sorted(r.status_code for r in responses) == [303, 404]

    async def claimed(session):
        return await session.scalar(select(Intake.claimed_by).where(Intake.reference == reference))

    assert helpers.run(claimed, server.db_url) in ("marta", "drosa_maja")


def captured_withdrawal(reference: str) -> tuple[bytes, dict]:
    body = json.dumps({"reference": reference}).encode()
    headers = helpers.signing.signed_headers(helpers.INTAKE_SECRET.encode(), "POST",
                                             f"/api/intakes/{reference}/withdraw", body)
    return body, {**headers, "Content-Type": "application/json"}


def status_of(server, reference):
    async def read(session):
        return await session.scalar(select(Intake.status).where(Intake.reference == reference))

    return helpers.run(read, server.db_url)


def test_a_captured_withdrawal_replayed_against_another_reference_is_refused(server):
    first, second = helpers.intake(), helpers.intake()
    for body in (first, second):
        assert helpers.send(server.base_url, body).status_code == 201
    payload, headers = captured_withdrawal(first["reference"])
    other_path = f"{server.base_url}/api/intakes/{second['reference']}/withdraw"
    assert httpx.post(other_path, content=payload, headers=headers).status_code == 401
    rewritten = json.dumps({"reference": second["reference"]}).encode()
    assert httpx.post(other_path, content=rewritten, headers=headers).status_code == 401
    assert status_of(server, second["reference"]) == "new"
    # the positive control: the captured request does what it was signed for, once
    own_path = f"{server.base_url}/api/intakes/{first['reference']}/withdraw"
    assert httpx.post(own_path, content=payload, headers=headers).status_code == 200
    assert status_of(server, first["reference"]) == "withdrawn"
    assert httpx.post(own_path, content=payload, headers=headers).status_code == 401  # and never again


def test_the_same_signed_intake_twice_within_the_window_is_stored_once(server):
    body = helpers.intake()
    payload = json.dumps(body).encode()
    headers = {**helpers.signing.signed_headers(helpers.INTAKE_SECRET.encode(), "POST", "/api/intakes", payload),
               "Content-Type": "application/json"}
    first = httpx.post(server.base_url + "/api/intakes", content=payload, headers=headers)
    assert first.status_code == 201
    replay = httpx.post(server.base_url + "/api/intakes", content=payload, headers=headers)
    assert replay.status_code == 401 and "already used" in replay.json()["reason"]
    # at the same instant: one stored, the other refused
    body = helpers.intake()
    payload = json.dumps(body).encode()
    headers = {**helpers.signing.signed_headers(helpers.INTAKE_SECRET.encode(), "POST", "/api/intakes", payload),
               "Content-Type": "application/json"}
    post = lambda: httpx.post(server.base_url + "/api/intakes", content=payload, headers=headers)  # noqa: E731
    assert sorted(r.status_code for r in at_once([post, post])) == [201, 401]

    async def count(session):
        return await session.scalar(select(func.count()).select_from(Intake).where(
            Intake.reference == body["reference"]))

    assert helpers.run(count, server.db_url) == 1


def test_stale_signatures_are_forgotten_by_the_purge(server):
    helpers.send(server.base_url, helpers.intake())

    async def signatures(session):
        return await session.scalar(text("SELECT count(*) FROM request_signatures"))

    assert helpers.run(signatures, server.db_url) >= 1
    from portal import signing
    from portal.models import utcnow

    async def purge_later(session):
        import datetime as dt
        # An accepted timestamp lies at most 300 s ahead, so every signature is stale 601 s from now
        # (the server fixture is shared: other tests' signatures are in the table too).
        return await signing.forget_stale(session, utcnow() + dt.timedelta(seconds=601))

    assert helpers.run(purge_later, server.db_url) >= 1
    assert helpers.run(signatures, server.db_url) == 0


LINK = re.compile(r"https://portal\.example\.lv(/portal/enrol/[A-Za-z0-9_-]+)")
SECRET = re.compile(r"<code>([A-Z2-7]{16,})</code>")


def code(secret: str, steps: int = 0) -> str:
    """The code of this 30-second step or a neighbour (the portal accepts one step either way)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps)


def fresh_step() -> None:
    """Not at the very end of a step, so codes for neighbouring steps stay valid while used."""
    if time.time() % 30 > 24:
        time.sleep(31 - time.time() % 30)


def enrol(server, path: str, password: str | None, current: str | None = None, steps: int = -1) -> tuple[int, str]:
    """Open a link as the person and set up the account; returns (status, TOTP secret)."""
    person = helpers.StaffClient(server.base_url)
    page = person.get(path)
    if page.status_code != 200:
        return page.status_code, ""
    secret = SECRET.search(page.text).group(1)
    form = {"csrf": re.search(r'name="csrf" value="([^"]+)"', page.text).group(1),
            "code": code(secret, steps)}
    form.update({"password": password, "repeat": password} if current is None else {"password": current})
    return person.post(path, form, csrf=False).status_code, secret


def test_enrolment_link_password_change_and_totp_reset(server):
    admin, _ = helpers.logged_in(server, "drosa_maja", "admin")
    admin.get("/portal/users")
    fresh_step()
    email = f"enrol-{helpers.new_reference().lower()}@drosamaja.example.lv"
    created = admin.post("/portal/users", {"email": email, "role": "staff", "language": "en"})
    path = LINK.search(created.text).group(1)
    password = "my very own password"
    status, secret = enrol(server, path, password)
    assert status == 303
    assert secret not in created.text and password not in created.text  # the admin saw neither
    assert enrol(server, path, "another password!!")[0] == 404  # the link works once
    account = helpers.Account(email, password, secret, "drosa_maja", "staff")
    person = helpers.StaffClient(server.base_url)
    assert person.login(account, code(secret, 0)).status_code == 303  # each step's code works once

    # password change: needs the current password and a fresh code; ends the other sessions
    other = helpers.StaffClient(server.base_url)
    assert other.login(account, code(secret, 1)).status_code == 303
    person.get("/portal/account")
    new = "a brand new password"
    wrong = person.post("/portal/account/password", {"current": password, "new": new, "repeat": new,
                                                     "code": "000000"})
    assert wrong.status_code == 401
    time.sleep(31 - time.time() % 30)
    changed = person.post("/portal/account/password", {"current": password, "new": new, "repeat": new,
                                                       "code": code(secret, 1)})
    assert changed.status_code == 200
    assert other.get("/portal/intakes").status_code == 303  # the other session ended
    assert person.get("/portal/intakes").status_code == 200  # this one goes on

    # an admin resets the authenticator: the old one stops working, the person sets a new one
    admin.get("/portal/users")
    user_id = admin.last_page.split(email)[1].split("/portal/users/")[1].split("/")[0]
    reset = admin.post(f"/portal/users/{user_id}/totp-reset")
    assert reset.status_code == 200 and person.get("/portal/intakes").status_code == 303
    reset_path = LINK.search(reset.text).group(1)
    assert enrol(server, reset_path, None, current="not my password")[0] == 401
    fresh_step()
    status, new_secret = enrol(server, reset_path, None, current=new)
    assert status == 303 and new_secret != secret
    again = helpers.Account(email, new, secret, "drosa_maja", "staff")
    assert helpers.StaffClient(server.base_url).login(again, code(secret, 1)).status_code == 401  # old authenticator
    assert helpers.StaffClient(server.base_url).login(again, code(new_secret, 0)).status_code == 303

    async def actions(session):
        return set((await session.scalars(select(AuditEvent.action).where(AuditEvent.detail.contains(email)))).all())

    assert {"user_add", "totp_reset"} <= helpers.run(actions, server.db_url)
