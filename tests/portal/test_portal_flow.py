"""Staff work in the portal over HTTP, on SQLite and PostgreSQL."""

import datetime as dt

from sqlalchemy import select, update

from portal.models import Session, User
from tests.portal import helpers


def test_queue_puts_urgent_first_and_filters(server):
    client, _ = helpers.logged_in(server, "drosa_maja", "staff")
    calm = helpers.intake(provider="drosa_maja", language="ky", urgent=False)
    urgent = helpers.intake(provider="drosa_maja", language="ky", urgent=True,
                            assessment={**calm["assessment"], "signal": "trafficking_signs"})
    old = helpers.intake(provider="drosa_maja", language="tg", created_on="2025-01-15")
    for body in (calm, urgent, old):
        assert helpers.send(server.base_url, body).status_code == 201
    page = client.get("/portal/intakes").text
    assert page.index(urgent["reference"]) < page.index(calm["reference"])
    by_language = client.get("/portal/intakes?language=ky").text
    assert calm["reference"] in by_language and old["reference"] not in by_language
    by_signal = client.get("/portal/intakes?signal=trafficking_signs&language=ky").text
    assert urgent["reference"] in by_signal and calm["reference"] not in by_signal
    by_date = client.get("/portal/intakes?from=2025-01-01&to=2025-01-31").text
    assert old["reference"] in by_date and calm["reference"] not in by_date
    by_status = client.get("/portal/intakes?status=closed&language=ky").text
    assert calm["reference"] not in by_status
    api = client.get("/portal/api/intakes?language=ky").json()["intakes"]
    assert [i["reference"] for i in api][:1] == [urgent["reference"]]
    assert all("contact" not in i for i in api)


def test_status_workflow_notes_and_assignment(server):
    client, account = helpers.logged_in(server, "marta", "staff")
    body = helpers.intake()
    helpers.send(server.base_url, body)
    detail = f"/portal/intakes/{body['reference']}"
    client.get(detail)
    # new cannot jump to closed
    assert client.post(detail + "/status", {"status": "closed"}).status_code == 409
    for target in ("acknowledged", "in_progress", "closed"):
        client.get(detail)
        assert client.post(detail + "/status", {"status": target}).status_code == 303
        assert client.get(f"/portal/api/intakes/{body['reference']}").json()["status"] == target
    page = client.get(detail).text
    assert client.post(detail + "/notes", {"note": "Called, no answer."}).status_code == 303
    assert "Called, no answer." in client.get(detail).text
    assert client.post(detail + "/notes", {"note": " "}).status_code == 422
    user_id = page.split(f">{account.email}</option>")[0].rsplit('value="', 1)[1].split('"')[0]
    assert client.post(detail + "/assign", {"user": user_id}).status_code == 303
    assert body["reference"] in client.get("/portal/intakes?mine=1").text
    assert client.post(detail + "/assign", {"user": "999999"}).status_code == 409
    history = client.get(detail).text
    for action in ("viewed", "changed status", "added a note", "assigned"):
        assert action in history


def test_detail_is_in_the_staff_members_language(server):
    body = helpers.intake(language="uz")
    helpers.send(server.base_url, body)
    latvian, _ = helpers.logged_in(server, "marta", "staff", language="lv")
    english, _ = helpers.logged_in(server, "marta", "staff", language="en")
    lv_page = latvian.get(f"/portal/intakes/{body['reference']}").text
    en_page = english.get(f"/portal/intakes/{body['reference']}").text
    assert 'lang="lv"' in lv_page and "Personu apliecinoši dokumenti tiek aizturēti" in lv_page
    assert "uzbeku" in lv_page.lower() and "Piespiedu darba pazīmes" in lv_page and "Nav pārliecības" in lv_page
    assert "Dokumentu atgūšana" in lv_page and "Getting documents back" in english.get(
        f"/portal/intakes/{body['reference']}").text
    assert "Identity documents withheld" in en_page and "Uzbek" in en_page and "Not sure" in en_page
    # switching language is a preference of the account
    english.get(f"/portal/intakes/{body['reference']}")
    english.post("/portal/language", {"language": "lv", "next": f"/portal/intakes/{body['reference']}"})
    assert "Personu apliecinoši dokumenti" in english.get(f"/portal/intakes/{body['reference']}").text


def test_reveal_is_explicit_and_audited(server):
    body = helpers.intake(contact={"method": "sms", "value": "+371 20000777"})
    helpers.send(server.base_url, body)
    client, account = helpers.logged_in(server, "marta", "admin")
    detail = f"/portal/intakes/{body['reference']}"
    assert "+371 20000777" not in client.get(detail).text
    revealed = client.post(detail + "/reveal")
    assert revealed.status_code == 200 and "+371 20000777" in revealed.text
    assert revealed.headers["cache-control"] == "no-store"
    assert "+371 20000777" not in client.get(detail).text  # not sticky
    audit = client.get("/portal/audit").text
    assert "revealed contact details" in audit and body["reference"] in audit and account.email in audit


def test_idle_sessions_expire(server):
    client, account = helpers.logged_in(server, "marta", "staff")
    assert client.get("/portal/intakes").status_code == 200

    async def age(session):
        mine = select(User.id).where(User.email == account.email).scalar_subquery()
        await session.execute(update(Session).where(Session.user_id == mine)
                              .values(last_seen=dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=2)))

    helpers.run(age, server.db_url)
    assert client.get("/portal/intakes").status_code == 303

    async def left(session):
        mine = select(User.id).where(User.email == account.email).scalar_subquery()
        return (await session.scalars(select(Session).where(Session.user_id == mine))).all()

    assert helpers.run(left, server.db_url) == []  # the expired session was deleted


def test_logout_ends_the_session(server):
    client, _ = helpers.logged_in(server, "marta", "staff")
    old_cookies = dict(client.cookies)
    client.get("/portal/intakes")
    assert client.post("/portal/logout").status_code == 303
    client.cookies = old_cookies  # replaying the old cookie does not help
    assert client.get("/portal/intakes").status_code == 303


def test_admin_manages_own_providers_users(server):
    admin, _ = helpers.logged_in(server, "drosa_maja", "admin")
    staff, staff_account = helpers.logged_in(server, "drosa_maja", "staff")
    assert staff.get("/portal/users").status_code == 403
    assert staff.get("/portal/audit").status_code == 403
    admin.get("/portal/users")
    created = admin.post("/portal/users", {"email": "new.person@drosamaja.example.lv", "role": "staff"})
    # a one-time link for the person, never a password or TOTP secret for the admin to see
    assert created.status_code == 200 and "https://portal.example.lv/portal/enrol/" in created.text
    assert "otpauth://" not in created.text and "Password" not in created.text
    admin.get("/portal/users")
    assert admin.post("/portal/users", {"email": "x@example.lv", "role": "coordinator"}).status_code == 422
    page = admin.get("/portal/users").text
    assert "new.person@drosamaja.example.lv" in page
    user_id = page.split(staff_account.email)[1].split("/portal/users/")[1].split("/")[0]
    assert admin.post(f"/portal/users/{user_id}/disable").status_code == 303
    assert staff.get("/portal/intakes").status_code == 303  # the disabled user's session is gone
    other_admin, _ = helpers.logged_in(server, "marta", "admin")
    other_admin.get("/portal/users")
    assert other_admin.post(f"/portal/users/{user_id}/disable").status_code == 404


def test_statistics_page_and_csv_hide_small_counts(server):
    coordinator, _ = helpers.logged_in(server, None, "coordinator")
    for _ in range(5):
        helpers.send(server.base_url, helpers.intake(source="qr-riga-station", channel="sms"))
    helpers.send(server.base_url, helpers.intake(source="rare-source-1"))
    page = coordinator.get("/portal/stats")
    assert page.status_code == 200 and "<svg" in page.text
    assert "&lt;5" in page.text
    csv_text = coordinator.get("/portal/stats.csv").text
    lines = csv_text.splitlines()
    assert lines[0] == "dimension,key,count"
    assert "source,rare-source-1,<5" in lines
    source_row = next(line for line in lines if line.startswith("source,qr-riga-station,"))
    assert source_row.split(",")[2] != "<5"
    for dimension in ("week", "language", "channel", "signal"):
        assert any(line.startswith(dimension + ",") for line in lines)


def test_whatsapp_and_telegram_intakes_are_accepted_and_labelled(server):
    sent = {channel: helpers.intake(channel=channel, provider="drosa_maja") for channel in ("whatsapp", "telegram")}
    for body in sent.values():
        response = helpers.send(server.base_url, body)
        assert response.status_code == 201, response.text
    viber = helpers.intake(channel="viber", provider="drosa_maja")
    refused = helpers.send(server.base_url, viber)
    assert 400 <= refused.status_code < 500 and "channel: must be one of" in refused.text
    english, _ = helpers.logged_in(server, "drosa_maja", "staff", language="en")
    latvian, _ = helpers.logged_in(server, "drosa_maja", "staff", language="lv")
    assert english.get(f"/portal/intakes/{viber['reference']}").status_code == 404
    for channel, label in (("whatsapp", "WhatsApp"), ("telegram", "Telegram")):
        detail = f"/portal/intakes/{sent[channel]['reference']}"
        # the brand names are the same in Latvian
        for client in (english, latvian):
            assert f"<dd>{label}</dd>" in client.get(detail).text
        assert english.get(f"/portal/api/intakes/{sent[channel]['reference']}").json()["channel"] == channel
    coordinator, _ = helpers.logged_in(server, None, "coordinator", language="lv")
    stats_page = coordinator.get("/portal/stats").text
    assert '<th scope="row">WhatsApp</th>' in stats_page and '<th scope="row">Telegram</th>' in stats_page
    csv_lines = coordinator.get("/portal/stats.csv").text.splitlines()
    assert any(line.startswith("channel,whatsapp,") for line in csv_lines)
    assert any(line.startswith("channel,telegram,") for line in csv_lines)
    assert not any(line.startswith("channel,viber,") for line in csv_lines)
