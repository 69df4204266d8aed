"""Malformed requests get a 4xx answer, never a 500, on SQLite and PostgreSQL."""

import httpx
import pytest

from tests.portal import helpers


def test_deeply_nested_json_is_a_bad_request(server):
    response = helpers.send(server.base_url, None, raw=b"[" * 50000)
    assert 400 <= response.status_code < 500, response.text


@pytest.mark.parametrize("email", ["nul\x00@marta.example.lv", "\x00"])
def test_a_nul_character_in_the_login_form_is_refused(server, email):
    client = helpers.StaffClient(server.base_url)
    client.get("/portal/login")
    response = client.post("/portal/login", {"email": email, "password": "a long test password"})
    assert 400 <= response.status_code < 500, response.text


def test_admin_forms_with_odd_values(server):
    admin, _ = helpers.logged_in(server, "marta", "admin")
    admin.get("/portal/users")
    response = admin.post("/portal/users", {"email": "x\x00y@marta.example.lv", "role": "staff"})
    assert 400 <= response.status_code < 500, response.text
    for user_id in ("99999999999999999999", "2147483648", "-1"):
        admin.get("/portal/users")
        response = admin.post(f"/portal/users/{user_id}/disable")
        assert response.status_code == 404, (user_id, response.text)


def test_odd_query_values(server):
    client, _ = helpers.logged_in(server, "marta", "staff")
    for query in ("from=99999-01-01", "to=%00", "status=%00", "language=%00", "signal=%FF", "mine=%FF", "lang=%00"):
        response = client.get("/portal/intakes?" + query)
        assert response.status_code == 200, (query, response.status_code)
    assert client.get("/portal/intakes/%00%00%00%00%00%00%00%00").status_code == 404
    assert httpx.get(server.base_url + "/portal/login?lang=%00").status_code == 200


@pytest.mark.parametrize("back", ["/portal/intakes\x00", "/portal/intakes\r\nSet-Cookie: planted=1", "//evil.example/"])
def test_the_language_switch_sends_back_only_to_a_clean_portal_address(server, back):
    client, _ = helpers.logged_in(server, "marta", "staff")
    client.get("/portal/intakes")
    response = client.post("/portal/language", {"language": "lv", "next": back})
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/portal/") and "\r" not in location and "\n" not in location
    assert "\x00" not in location and "planted" not in response.headers.get("set-cookie", "")


@pytest.mark.parametrize("raw", [
    b"[" * 50000,
    b'{"counts": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    b'{"counts": [{"week": "2026-W49", "campaign": "a", "language": "uz", "channel": "web", "step": "chat_opened",'
    b' "count": NaN}]}',
    b'{"counts": [{"count": 1e400}]}',
    b'{"counts": [{"count": 100000000000000000000000000000000000000}]}',
    b'{"counts": [{"week": "\\u0000", "campaign": {"a": 1}, "language": [], "channel": 1, "step": null}]}',
    b'{"counts": null}',
    b'"counts"',
    b"\xef\xbb\xbf{}",
])
def test_odd_funnel_pushes_are_refused(server, raw):
    response = helpers.send(server.base_url, None, path="/api/funnel", raw=raw)
    assert 400 <= response.status_code < 500, (raw[:60], response.status_code, response.text)


def test_odd_campaign_page_queries(server):
    client, _ = helpers.logged_in(server, None, "coordinator")
    for query in ("from=%00", "to=%FF", "campaign=%00", "from=0000-W01", "to=2026-W53", "campaign=" + "a" * 5000):
        for path in ("/portal/campaigns", "/portal/campaigns.csv"):
            assert client.get(f"{path}?{query}").status_code == 200, (path, query)
    for path in ("%00/uz/qr_png", "emb-tashkent/%FF/qr_png", "a/b/c/d", "emb-tashkent/uz/" + "k" * 5000):
        assert client.get(f"/portal/campaigns/posters/{path}").status_code == 404, path
