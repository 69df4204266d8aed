"""POST /api/funnel against the real server, on SQLite and PostgreSQL: signed like
the intakes, strict, and a key keeps the largest count it was ever sent."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid

import httpx
import pytest
from sqlalchemy import func, select

from portal import funnel
from portal.models import FunnelCount
from portal.vocabulary import CHANNELS, FUNNEL_STEPS
from tests.portal import helpers

PATH = "/api/funnel"
THIS_WEEK = funnel.iso_week(dt.date.today())
LAST_WEEK = funnel.iso_week(dt.date.today() - dt.timedelta(weeks=1))


def campaign() -> str:
    """A code of its own for each test: the server and its database are shared."""
    return f"t-{uuid.uuid4().hex[:10]}"


def row(code: str, **changes) -> dict:
    return {"week": THIS_WEEK, "campaign": code, "language": "uz", "channel": "web", "step": "chat_opened",
            "count": 17, **changes}


def push(server, rows: list[dict], **kwargs) -> httpx.Response:
    return helpers.send(server.base_url, {"counts": rows}, path=PATH, **kwargs)


def stored(server, code: str) -> dict[tuple, int]:
    async def read(session):
        rows = (await session.execute(select(FunnelCount).where(FunnelCount.campaign == code))).scalars().all()
        return {(r.week, r.language, r.channel, r.step): r.count for r in rows}

    return helpers.run(read, server.db_url)


def count_all(server) -> int:
    async def read(session):
        return await session.scalar(select(func.count()).select_from(FunnelCount))

    return helpers.run(read, server.db_url)


def test_a_signed_push_is_stored(server):
    code = campaign()
    rows = [row(code), row(code, step="first_message", count=9), row(code, language="ru", channel="sms", count=0),
            row(code, week=LAST_WEEK, step="handoff_sent", count=2)]
    response = push(server, rows)
    assert response.status_code == 200, response.text
    assert response.json() == {"stored": 4}
    assert stored(server, code) == {
        (THIS_WEEK, "uz", "web", "chat_opened"): 17, (THIS_WEEK, "uz", "web", "first_message"): 9,
        (THIS_WEEK, "ru", "sms", "chat_opened"): 0, (LAST_WEEK, "uz", "web", "handoff_sent"): 2,
    }


def test_the_same_push_again_changes_nothing(server):
    code = campaign()
    rows = [row(code), row(code, step="screening_started", count=5)]
    assert push(server, rows).status_code == 200
    before = stored(server, code)
    again = push(server, rows, now=time.time() + 1)  # a retry signs again, in a later second
    assert again.status_code == 200 and again.json() == {"stored": 2}
    assert stored(server, code) == before


def test_a_lower_count_never_lowers_and_a_higher_one_raises(server):
    code = campaign()
    assert push(server, [row(code, count=17), row(code, step="handoff_sent", count=3)]).status_code == 200
    # an older push arriving late, and a newer one for the other key
    assert push(server, [row(code, count=11), row(code, step="handoff_sent", count=4)],
                now=time.time() + 1).status_code == 200
    assert stored(server, code) == {(THIS_WEEK, "uz", "web", "chat_opened"): 17,
                                    (THIS_WEEK, "uz", "web", "handoff_sent"): 4}
    assert push(server, [row(code, count=0)], now=time.time() + 2).status_code == 200
    assert stored(server, code)[(THIS_WEEK, "uz", "web", "chat_opened")] == 17


def test_every_campaign_step_channel_and_the_largest_push_are_accepted(server):
    code = "a" + "b-" * 19 + "c"  # 40 characters, the longest code
    assert funnel.CAMPAIGN.fullmatch(code)
    steps, channels = FUNNEL_STEPS, CHANNELS
    languages = [a + b for a in "abcdefghijklmnopqrstuvwxyz" for b in "xyz"]
    rows = [{"week": THIS_WEEK, "campaign": code, "language": languages[i // len(steps) // len(channels)],
             "channel": channels[i // len(steps) % len(channels)], "step": steps[i % len(steps)],
             "count": funnel.MAX_COUNT}
            for i in range(funnel.MAX_ROWS)]
    body = json.dumps({"counts": rows}, indent=1).encode()
    assert len(body) > 64 * 1024  # more than an intake may be: the funnel has its own limit
    response = helpers.send(server.base_url, None, path=PATH, raw=body)
    assert response.status_code == 200, response.text
    assert response.json() == {"stored": funnel.MAX_ROWS}
    assert len(stored(server, code)) == funnel.MAX_ROWS
    for special in ("other", "direct"):
        assert push(server, [row(special, language="xq", count=0)]).status_code == 200


BAD_ROWS = [
    ({"week": "2026-W54"}, "counts[1].week: must be an ISO week YYYY-Www (W01 to W53)"),
    ({"week": "2026-W00"}, "counts[1].week: must be an ISO week YYYY-Www (W01 to W53)"),
    ({"week": "2026-W7"}, "counts[1].week: must be an ISO week YYYY-Www (W01 to W53)"),
    ({"week": "2026-49"}, "counts[1].week: must be an ISO week YYYY-Www (W01 to W53)"),
    ({"week": "2025-W53"}, "counts[1].week: that year has no week 53"),
    ({"week": "2019-W10"}, "counts[1].week: must be from 2020 on"),
    ({"week": "2999-W01"}, "counts[1].week: is in the future"),
    ({"week": 202649}, "counts[1].week: must be an ISO week YYYY-Www (W01 to W53)"),
    ({"campaign": "Emb-Tashkent"}, "counts[1].campaign: must be a campaign code"),
    ({"campaign": "-tashkent"}, "counts[1].campaign: must be a campaign code"),
    ({"campaign": "tashkent-"}, "counts[1].campaign: must be a campaign code"),
    ({"campaign": "a" * 41}, "counts[1].campaign: must be a campaign code"),
    ({"campaign": ""}, "counts[1].campaign: must be a campaign code"),
    ({"campaign": "emb tashkent"}, "counts[1].campaign: must be a campaign code"),
    ({"campaign": "<script>"}, "counts[1].campaign: must be a campaign code"),
    ({"language": "UZ"}, "counts[1].language: must be two lower-case letters (ISO 639-1)"),
    ({"language": "uzb"}, "counts[1].language: must be two lower-case letters (ISO 639-1)"),
    ({"language": None}, "counts[1].language: must be two lower-case letters (ISO 639-1)"),
    ({"channel": "viber"}, "counts[1].channel: must be one of web, sms, rest, whatsapp, telegram"),
    ({"step": "chat_closed"}, "counts[1].step: must be one of chat_opened, first_message"),
    ({"count": -1}, "counts[1].count: must be a whole number from 0 to 999999999"),
    ({"count": 10**9}, "counts[1].count: must be a whole number from 0 to 999999999"),
    ({"count": 1.5}, "counts[1].count: must be a whole number from 0 to 999999999"),
    ({"count": 2.0}, "counts[1].count: must be a whole number from 0 to 999999999"),
    ({"count": "3"}, "counts[1].count: must be a whole number from 0 to 999999999"),
    ({"count": True}, "counts[1].count: must be a whole number from 0 to 999999999"),
    ({"name": "Anna"}, "counts[1].name: unknown field"),
]


@pytest.mark.parametrize("change, problem", BAD_ROWS, ids=[p.split(": ", 1)[1][:40] for _, p in BAD_ROWS])
def test_validation_names_the_problem(change, problem):
    """The pure core, without a server."""
    with pytest.raises(funnel.ValidationError) as caught:
        funnel.validate_push({"counts": [row("c"), {**row("c", step="first_message"), **change}]})
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


@pytest.mark.parametrize("week, monday", [
    ("2026-W49", dt.date(2026, 11, 30)), ("2026-W01", dt.date(2025, 12, 29)), ("2020-W53", dt.date(2020, 12, 28)),
])
def test_iso_weeks(week, monday):
    assert funnel.week_start(week) == monday and funnel.iso_week(monday + dt.timedelta(days=6)) == week


def test_the_oldest_kept_week():
    assert funnel.oldest_kept_week(156, dt.date(2026, 12, 3)) == "2023-W49"
    assert funnel.oldest_kept_week(1, dt.date(2026, 1, 1)) == "2025-W52"


@pytest.mark.parametrize("change, problem", BAD_ROWS, ids=[p.split(": ", 1)[1][:40] for _, p in BAD_ROWS])
def test_a_bad_row_refuses_the_whole_push(server, change, problem):
    code = campaign()
    rows = [row(code), {**row(code, step="first_message"), **change}]
    response = push(server, rows)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid funnel counts"
    assert any(p.startswith(problem) for p in response.json()["problems"]), response.json()
    assert stored(server, code) == {}


@pytest.mark.parametrize("body, problem", [
    ({"counts": [{"week": THIS_WEEK}]}, "counts[0].campaign: required"),
    ({"counts": "all"}, "counts: required, a list"),
    ({}, "counts: required, a list"),
    ({"counts": [], "from": "bot"}, "from: unknown field"),
    ([], "body: must be an object"),
    ({"counts": [17]}, "counts[0]: must be an object"),
    ({"counts": [row("dup"), row("dup", count=3)]}, "counts[1]: repeats the key of counts[0]"),
    ({"counts": [row("many")] * 501}, "counts: at most 500 rows, got 501"),
])
def test_a_malformed_push_is_refused(server, body, problem):
    before = count_all(server)
    response = helpers.send(server.base_url, body, path=PATH)
    assert response.status_code == 422, response.text
    assert problem in " | ".join(response.json()["problems"])
    assert count_all(server) == before


def test_an_empty_push_is_fine(server):
    assert push(server, []).json() == {"stored": 0}


@pytest.mark.parametrize("case, status", [
    ("unsigned", 401), ("wrong secret", 401), ("signed for the intake path", 401), ("stale", 401),
    ("replayed", 401), ("not json", 400), ("text/plain", 415), ("too large", 413),
])
def test_refused_requests_store_nothing(server, case, status):
    code = campaign()
    body = json.dumps({"counts": [row(code)]}).encode()
    url = server.base_url + PATH
    if case == "unsigned":
        response = httpx.post(url, content=body, headers={"Content-Type": "application/json"})
    elif case == "wrong secret":
        response = helpers.send(server.base_url, None, path=PATH, raw=body, secret="not-the-secret")
    elif case == "signed for the intake path":
        headers = helpers.signing.signed_headers(helpers.INTAKE_SECRET.encode(), "POST", "/api/intakes", body)
        response = httpx.post(url, content=body, headers={**headers, "Content-Type": "application/json"})
    elif case == "stale":
        response = helpers.send(server.base_url, None, path=PATH, raw=body, now=time.time() - 400)
    elif case == "replayed":
        headers = {**helpers.signing.signed_headers(helpers.INTAKE_SECRET.encode(), "POST", PATH, body),
                   "Content-Type": "application/json"}
        assert httpx.post(url, content=body, headers=headers).status_code == 200
        higher = body.replace(b'"count": 17', b'"count": 99')
        assert httpx.post(url, content=higher, headers=headers).json()["reason"] == "bad signature"
        response = httpx.post(url, content=body, headers=headers)
        assert response.status_code == status and "already used" in response.json()["reason"]
        assert stored(server, code) == {(THIS_WEEK, "uz", "web", "chat_opened"): 17}  # the first one only
        return
    elif case == "not json":
        response = helpers.send(server.base_url, None, path=PATH, raw=b'{"counts": [')
    elif case == "text/plain":
        response = helpers.send(server.base_url, None, path=PATH, raw=body, content_type="text/plain")
    else:
        response = helpers.send(server.base_url, None, path=PATH, raw=b" " * (funnel.MAX_BODY_BYTES + 1) + body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert stored(server, code) == {}
