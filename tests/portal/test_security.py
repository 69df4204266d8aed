"""Security properties against the real server, on SQLite and PostgreSQL."""

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from portal.models import AuditEvent
from tests.portal import helpers

# Signed, not logged in: the API routes have their own tests of refusing an unsigned request.
PUBLIC = {"/portal/login", "/portal/static", "/health", "/api/intakes", "/api/intakes/<reference:str>/withdraw",
          "/api/funnel", "/portal/enrol/<token:str>"}


def portal_routes():
    """Every route of the app as registered, so a new page cannot escape this test."""
    from portal.app import create_app
    from portal.settings import Settings

    settings = Settings.from_env({
        "PORTAL_DATA_KEY": helpers.key_entry("t"), "PORTAL_SESSION_SECRET": "x" * 32, "INTAKE_SECRET": "s",
        "PORTAL_DB_URL": "sqlite:///:memory:",
    })
    app = create_app(settings)
    routes = set()
    for route in app.router.routes:
        path = "/" + route.path.lstrip("/")
        if any(path == p or path.startswith("/portal/static") for p in PUBLIC):
            continue
        for method in route.methods:
            if method in ("GET", "POST"):
                routes.add((method, path))
    return sorted(routes)


ROUTES = portal_routes()


def concrete(path: str, reference: str) -> str:
    return (path.replace("<reference:str>", reference).replace("<user_id:int>", "1")
            .replace("<campaign:str>", "emb-tashkent").replace("<language:str>", "uz").replace("<kind:str>", "qr_png"))


def test_the_route_list_is_complete():
    paths = {path for _, path in ROUTES}
    assert {"/portal/intakes", "/portal/intakes/<reference:str>", "/portal/intakes/<reference:str>/reveal",
            "/portal/api/intakes", "/portal/stats", "/portal/stats.csv", "/portal/audit", "/portal/users",
            "/portal/campaigns", "/portal/campaigns.csv",
            "/portal/campaigns/posters/<campaign:str>/<language:str>/<kind:str>"} <= paths


@pytest.mark.parametrize("method, path", ROUTES)
def test_every_portal_page_refuses_an_anonymous_visitor(server, method, path):
    body = helpers.intake()
    helpers.send(server.base_url, body)
    client = helpers.StaffClient(server.base_url)
    url = concrete(path, body["reference"])
    response = client.get(url) if method == "GET" else client.post(url, {"status": "acknowledged", "note": "x"},
                                                                  csrf=False)
    if path.startswith("/portal/api/"):
        assert response.status_code == 401
    elif path == "/portal/login/totp" or path == "/portal/login":
        assert response.status_code in (303, 403) and "+371" not in response.text
    else:
        assert response.status_code == 303 and response.headers["location"] == "/portal/login"
    assert body["reference"] not in response.text and "+371" not in response.text


def test_a_session_without_the_second_factor_opens_nothing(server):
    account = helpers.add_user(server, "marta", "staff")
    client = helpers.StaffClient(server.base_url)
    client.get("/portal/login")
    assert client.post("/portal/login", {"email": account.email, "password": account.password}).status_code == 303
    for path in ("/portal/intakes", "/portal/stats", "/portal/api/intakes"):
        response = client.get(path)
        assert response.status_code in (303, 401)
        if response.status_code == 303:
            assert response.headers["location"] == "/portal/login/totp"


def test_wrong_password_and_wrong_code_are_refused(server):
    account = helpers.add_user(server, "marta", "staff")
    client = helpers.StaffClient(server.base_url)
    client.get("/portal/login")
    assert client.post("/portal/login", {"email": account.email, "password": "wrong password!!"}).status_code == 401
    assert client.post("/portal/login", {"email": account.email, "password": account.password}).status_code == 303
    client.get("/portal/login/totp")
    assert client.post("/portal/login/totp", {"code": "000000"}).status_code == 401
    assert client.get("/portal/intakes").status_code == 303


def test_login_is_throttled(server):
    account = helpers.add_user(server, "drosa_maja", "staff")
    client = helpers.StaffClient(server.base_url)
    client.get("/portal/login")
    for _ in range(5):
        assert client.post("/portal/login", {"email": account.email, "password": "not it at all"}).status_code == 401
    # Even the right password is refused while throttled.
    response = client.post("/portal/login", {"email": account.email, "password": account.password})
    assert response.status_code == 429


def test_login_form_without_csrf_is_refused(server):
    account = helpers.add_user(server, "marta", "staff")
    client = helpers.StaffClient(server.base_url)
    client.get("/portal/login")
    response = client.post("/portal/login", {"email": account.email, "password": account.password}, csrf=False)
    assert response.status_code == 403


def test_a_totp_code_works_only_once(server):
    import pyotp

    account = helpers.add_user(server, "marta", "staff")
    code = pyotp.TOTP(account.totp_secret).now()
    first = helpers.StaffClient(server.base_url)
    assert first.login(account, code).status_code == 303
    second = helpers.StaffClient(server.base_url)
    assert second.login(account, code).status_code == 401


@pytest.fixture(scope="module")
def two_providers(server):
    """An intake for each provider, with contact details, and staff of each."""
    marta_intake = helpers.intake(provider="marta")
    drosa_intake = helpers.intake(provider="drosa_maja", contact={"method": "email", "value": "drosa@example.lv"})
    for body in (marta_intake, drosa_intake):
        assert helpers.send(server.base_url, body).status_code == 201
    marta, _ = helpers.logged_in(server, "marta", "admin")
    drosa, _ = helpers.logged_in(server, "drosa_maja", "admin")
    return marta, drosa, marta_intake, drosa_intake


def test_staff_cannot_see_another_providers_intake(server, two_providers):
    marta, drosa, marta_intake, drosa_intake = two_providers
    other = drosa_intake["reference"]
    # by list
    assert marta_intake["reference"] in marta.get("/portal/intakes").text
    assert other not in marta.get("/portal/intakes").text
    assert other not in marta.get("/portal/intakes?status=new&signal=forced_labour_signs").text
    assert other not in [i["reference"] for i in marta.get("/portal/api/intakes").json()["intakes"]]
    # by URL
    assert marta.get(f"/portal/intakes/{other}").status_code == 404
    assert marta.get(f"/portal/api/intakes/{other}").status_code == 404
    # reveal, change, note, assign
    for action, data in (("reveal", {}), ("status", {"status": "acknowledged"}), ("notes", {"note": "x"}),
                         ("assign", {"user": ""})):
        response = marta.post(f"/portal/intakes/{other}/{action}", data)
        assert response.status_code == 404, action
        assert "drosa@example.lv" not in response.text
    # and the owner still sees it, untouched
    assert drosa.get(f"/portal/api/intakes/{other}").json()["status"] == "new"


def test_intakes_for_any_provider_are_seen_by_both(server, two_providers):
    marta, drosa, _, _ = two_providers
    body = helpers.intake(provider="any")
    assert helpers.send(server.base_url, body).status_code == 201
    assert marta.get(f"/portal/intakes/{body['reference']}").status_code == 200
    assert drosa.get(f"/portal/intakes/{body['reference']}").status_code == 200


def test_coordinator_sees_statistics_only(server):
    coordinator, _ = helpers.logged_in(server, None, "coordinator")
    body = helpers.intake()
    helpers.send(server.base_url, body)
    assert coordinator.get("/portal/stats").status_code == 200
    assert coordinator.get("/portal/intakes").status_code == 403
    assert coordinator.get(f"/portal/intakes/{body['reference']}").status_code == 403
    assert coordinator.get("/portal/api/intakes").status_code == 403
    assert coordinator.get("/portal/audit").status_code == 403


def test_posts_without_csrf_are_refused(server, two_providers):
    marta, _, marta_intake, _ = two_providers
    reference = marta_intake["reference"]
    for action, data in (("status", {"status": "acknowledged"}), ("reveal", {}), ("notes", {"note": "x"})):
        for token in (None, "forged"):
            form = dict(data) if token is None else {**data, "csrf": token}
            response = marta.post(f"/portal/intakes/{reference}/{action}", form, csrf=False)
            assert response.status_code == 403, (action, token)
            assert "+371" not in response.text
    assert marta.post("/portal/logout", {}, csrf=False).status_code == 403
    assert marta.get(f"/portal/api/intakes/{reference}").json()["status"] == "new"


def test_a_script_in_any_free_text_field_is_shown_as_text(server):
    script = "<script>alert('x')</script>"
    body = helpers.intake(contact={"method": "email", "value": script, "best_time": script})
    assert helpers.send(server.base_url, body).status_code == 201
    client, _ = helpers.logged_in(server, "marta", "staff")
    page = client.post(f"/portal/intakes/{body['reference']}/reveal").text
    assert script not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    client.post(f"/portal/intakes/{body['reference']}/notes", {"note": script})
    page = client.get(f"/portal/intakes/{body['reference']}").text
    assert script not in page and "&lt;script&gt;" in page
    assert "<script" not in page  # no script element at all on a portal page


def test_unknown_indicator_ids_and_needs_are_shown_as_text(server):
    body = helpers.intake(needs=["some_new_need"], indicators=[
        {"id": "brand_new_indicator", "dimension": "coercion", "strength": "weak", "answer": "yes"}])
    helpers.send(server.base_url, body)
    client, _ = helpers.logged_in(server, "marta", "staff")
    page = client.get(f"/portal/intakes/{body['reference']}").text
    assert "brand_new_indicator" in page and "some_new_need" in page


def test_the_database_holds_no_contact_data_in_clear(server):
    phone, note = "+371 29999123", "Called back, lives at Brīvības iela 1"
    body = helpers.intake(contact={"method": "phone", "value": phone, "best_time": "mornings only"})
    assert helpers.send(server.base_url, body).status_code == 201
    client, _ = helpers.logged_in(server, "marta", "staff")
    client.post(f"/portal/intakes/{body['reference']}/notes", {"note": note})

    async def dump(session):
        rows = []
        for table in ("intakes", "notes", "users", "audit_events", "sessions", "login_throttle", "enrolments",
                      "request_signatures"):
            for row in (await session.execute(text(f"SELECT * FROM {table}"))).all():
                rows.append(repr(tuple(row)))
        return "\n".join(rows)

    everything = helpers.run(dump, server.db_url)
    assert body["reference"] in everything  # the dump does contain the intake...
    for secret in (phone, "29999123", "mornings only", note, "Brīvības"):
        assert secret not in everything  # ...but none of its personal data
    if server.backend == "sqlite":
        raw = Path(server.db_url.split(":///", 1)[1]).read_bytes()
        wal = Path(server.db_url.split(":///", 1)[1] + "-wal")
        raw += wal.read_bytes() if wal.exists() else b""
        assert b"29999123" not in raw and "Brīvības".encode() not in raw


def test_the_audit_log_is_append_only(server):
    async def tamper(session):
        await session.execute(text("UPDATE audit_events SET actor = 'nobody'"))

    async def remove(session):
        await session.execute(text("DELETE FROM audit_events"))

    helpers.send(server.base_url, helpers.intake())
    for attempt in (tamper, remove):
        with pytest.raises(Exception, match="append-only"):
            helpers.run(attempt, server.db_url)

    async def count(session):
        return await session.scalar(select(func.count()).select_from(AuditEvent))

    assert helpers.run(count, server.db_url) > 0


def test_security_headers_on_every_kind_of_response(server):
    client = helpers.StaffClient(server.base_url)
    for response in (client.get("/portal/login"), client.get("/portal/intakes"), client.get("/health"),
                     client.get("/portal/static/portal.css"), client.get("/nowhere"),
                     helpers.send(server.base_url, {"x": 1})):
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["strict-transport-security"]  # PORTAL_PUBLIC_URL is https here


def test_session_cookie_is_host_only_secure_httponly_strict(server):
    account = helpers.add_user(server, "marta", "staff")
    client = helpers.StaffClient(server.base_url)
    client.get("/portal/login")
    response = client.post("/portal/login", {"email": account.email, "password": account.password})
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("__Host-paligs_session="))
    for flag in ("Secure", "HttpOnly", "SameSite=Strict", "Path=/"):
        assert flag.lower() in cookie.lower()
    assert "domain=" not in cookie.lower() and "max-age" not in cookie.lower()


def test_nothing_is_loaded_from_elsewhere():
    portal = Path(__file__).resolve().parents[2] / "portal"
    for path in list((portal / "templates").glob("*.html")) + list((portal / "static").glob("*")):
        content = path.read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=\"(https?:)?//", content), path
        assert "<script" not in content and " style=" not in content and "@import" not in content, path
