"""Pushing the funnel to the portal: a stand-in for POST /api/funnel on loopback checks every
request as the portal does (signature over timestamp, method, path and body; 300 s of skew;
each signature once) and keeps the largest count per key. Absolute counts, batches of 500,
a failed push retried, nothing left behind, nothing about a person in a body."""

import asyncio
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Dict, List, Tuple

import aiohttp
import pytest
import sqlalchemy as sa

from bot.campaigns.funnel import CHAT_OPENED, FIRST_MESSAGE, HANDOFF_SENT, FunnelKey
from bot.campaigns.funnel_push import (
    MAX_COUNTS_PER_REQUEST,
    FunnelPush,
    FunnelUrlError,
    funnel_body,
    require_safe_funnel_url,
)
from bot.campaigns.funnel_store import Counted
from bot.handoff.outbox import Outbox
from bot.handoff.service import DeliveryWorker
from bot.settings import load_settings

SECRET = "funnel-push-test-secret"
FIELDS = ["week", "campaign", "language", "channel", "step", "count"]


class StandInPortal:
    """POST /api/funnel as the portal answers it (portal/signing.py, portal/funnel.py)."""

    def __init__(self, secret: str = SECRET, max_skew: int = 300) -> None:
        self.secret, self.max_skew = secret.encode(), max_skew
        self.bodies: List[bytes] = []
        self.refusals: List[Tuple[int, str]] = []
        self.stored: Dict[Tuple[str, ...], int] = {}
        self.fail_next = 0
        self._seen: set = set()
        self._lock = threading.Lock()
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status, answer = portal.receive(self.path, self.headers, body)
                raw = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/funnel"

    def receive(self, path, headers, body):
        with self._lock:
            refused = self._check(path, headers, body)
            if refused:
                self.refusals.append((401, refused))
                return 401, {"error": "unauthorised", "reason": refused}
            if self.fail_next:
                self.fail_next -= 1
                self.refusals.append((503, "down"))
                return 503, {"error": "unavailable"}
            self.bodies.append(body)
            rows = json.loads(body)["counts"]
            for row in rows:
                key = tuple(row[f] for f in FIELDS[:-1])
                self.stored[key] = max(self.stored.get(key, 0), row["count"])
            return 200, {"stored": len(rows)}

    def _check(self, path, headers, body):
        if path != "/api/funnel":
            return "wrong path"
        timestamp, given = headers.get("X-Paligs-Timestamp"), headers.get("X-Paligs-Signature")
        if not timestamp or not given or not timestamp.isdigit():
            return "missing headers"
        signed = "\n".join((timestamp, "POST", path, hashlib.sha256(body).hexdigest())).encode()
        expected = "sha256=" + hmac.new(self.secret, signed, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, given):
            return "bad signature"
        if abs(time.time() - int(timestamp)) > self.max_skew:
            return "stale timestamp"
        if expected in self._seen:
            return "this signed request was already used"
        self._seen.add(expected)
        if headers.get("Content-Type", "").split(";")[0] != "application/json":
            return "not JSON"
        return None

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def portal():
    with StandInPortal() as stand_in:
        yield stand_in


@pytest.fixture
def counts(tmp_path):
    return Outbox(f"sqlite:///{tmp_path}/outbox.db", "outbox-key").funnel


def key(step=CHAT_OPENED, campaign="emb-tashkent", week="2026-W49", language="uz", channel="web"):
    return FunnelKey(week, campaign, language, channel, step)


def push(pusher: FunnelPush) -> int:
    async def run():
        async with aiohttp.ClientSession() as session:
            return await pusher.push_if_due(session)

    return asyncio.run(run())


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def count(counts, k, times=1):
    for _ in range(times):
        counts.increment(k)


def test_the_body_is_the_contract():
    body = funnel_body([Counted(key(), 17)])
    assert body == (b'{"counts":[{"week":"2026-W49","campaign":"emb-tashkent","language":"uz",'
                    b'"channel":"web","step":"chat_opened","count":17}]}')


def test_absolute_counts_of_what_changed_since_the_last_push(counts, portal):
    clock = Clock()
    pusher = FunnelPush(counts, portal.url, SECRET, every_seconds=300, clock=clock)
    count(counts, key(), 3)
    count(counts, key(FIRST_MESSAGE))
    assert push(pusher) == 2  # at once: the worker's first round
    first = json.loads(portal.bodies[0])["counts"]
    assert [list(row) for row in first] == [FIELDS, FIELDS]
    assert {(r["step"], r["count"]) for r in first} == {(CHAT_OPENED, 3), (FIRST_MESSAGE, 1)}
    assert counts.unpushed(10) == []

    count(counts, key(), 2)
    clock.now += 299
    assert push(pusher) == 0 and len(portal.bodies) == 1  # not due yet
    clock.now += 1
    assert push(pusher) == 1
    [row] = json.loads(portal.bodies[1])["counts"]
    assert (row["step"], row["count"]) == (CHAT_OPENED, 5)  # the total, not the 2 new ones
    assert portal.stored == {("2026-W49", "emb-tashkent", "uz", "web", CHAT_OPENED): 5,
                             ("2026-W49", "emb-tashkent", "uz", "web", FIRST_MESSAGE): 1}
    clock.now += 300
    assert push(pusher) == 0 and len(portal.bodies) == 2  # nothing changed: nothing sent


def test_a_failed_push_is_retried_next_time_and_nothing_is_lost(counts, portal):
    clock = Clock()
    pusher = FunnelPush(counts, portal.url, SECRET, every_seconds=300, clock=clock)
    count(counts, key(), 2)
    portal.fail_next = 1
    assert push(pusher) == 0
    assert portal.refusals == [(503, "down")] and portal.stored == {}
    assert counts.unpushed(10) == [Counted(key(), 2)]  # still due
    count(counts, key())
    clock.now += 300
    assert push(pusher) == 1
    assert list(portal.stored.values()) == [3] and counts.unpushed(10) == []


def test_an_unreachable_portal_loses_nothing(counts):
    pusher = FunnelPush(counts, "http://127.0.0.1:9/api/funnel", SECRET, every_seconds=300)
    count(counts, key())
    assert push(pusher) == 0
    assert counts.unpushed(10) == [Counted(key(), 1)]


def test_a_repeated_push_is_harmless(counts, portal, monkeypatch):
    """The portal stored the counts but the confirmation was lost: the next push sends the same
    absolute counts again, and the portal's maximum stays what it was."""
    clock = Clock()
    pusher = FunnelPush(counts, portal.url, SECRET, every_seconds=300, clock=clock)
    count(counts, key(), 4)
    real_mark = counts.mark_pushed

    def connection_lost(rows):
        raise sa.exc.OperationalError("UPDATE funnel_counts", {}, Exception("connection lost"))

    monkeypatch.setattr(counts, "mark_pushed", connection_lost)
    assert push(pusher) == 0  # the error is logged, not raised into the worker
    monkeypatch.setattr(counts, "mark_pushed", real_mark)
    clock.now += 300
    time.sleep(1.05 - time.time() % 1)  # a signature is accepted once: the same body is signed in a later second
    assert push(pusher) == 1
    assert len(portal.bodies) == 2 and portal.bodies[0] == portal.bodies[1]
    assert list(portal.stored.values()) == [4]


def test_many_counters_go_in_requests_of_at_most_500(counts, portal):
    campaigns = [f"c{n}" for n in range(2 * MAX_COUNTS_PER_REQUEST + 3)]
    with counts.engine.begin() as conn:  # 1,003 counters, quicker than 1,003 upserts
        conn.execute(sa.text(
            "INSERT INTO funnel_counts (week, campaign, language, channel, step, count, pushed_count, updated_at) "
            "VALUES ('2026-W49', :c, 'lv', 'sms', 'chat_opened', 7, 0, '2026-12-01 10:00:00')"
        ), [{"c": c} for c in campaigns])
    pusher = FunnelPush(counts, portal.url, SECRET, every_seconds=300)
    assert push(pusher) == len(campaigns)
    assert [len(json.loads(b)["counts"]) for b in portal.bodies] == [500, 500, 3]
    assert counts.unpushed(10) == [] and len(portal.stored) == len(campaigns)
    assert all(len(b) < 128 * 1024 for b in portal.bodies)  # the portal's body limit


def test_the_portal_refuses_a_push_signed_with_another_secret(counts, portal):
    count(counts, key())
    pusher = FunnelPush(counts, portal.url, "not-the-secret", every_seconds=300)
    assert push(pusher) == 0
    assert portal.refusals == [(401, "bad signature")]
    assert counts.unpushed(10) == [Counted(key(), 1)]


def test_a_body_holds_counts_only(tmp_path, portal, monkeypatch):
    """Positive control first: the conversation's counts are in the body; then neither its
    id nor anything the person wrote is."""
    from tests.bot.campaigns.test_funnel_actions import SENDER, TYPED, run_a_conversation

    counts = run_a_conversation(tmp_path, monkeypatch)
    assert counts.totals()  # the conversation was counted
    pusher = FunnelPush(counts, portal.url, SECRET, every_seconds=300)
    assert push(pusher) == len(counts.totals())
    raw = b"".join(portal.bodies).decode()
    assert "chat_opened" in raw and "handoff_sent" in raw
    assert SENDER not in raw and SENDER.split("-", 1)[1] not in raw and TYPED not in raw
    for body in portal.bodies:
        assert all(set(row) == set(FIELDS) for row in json.loads(body)["counts"])


def test_the_outbox_worker_pushes_when_it_starts_then_every_interval(tmp_path, portal):
    settings = load_settings({
        "OUTBOX_DB_URL": f"sqlite:///{tmp_path}/outbox.db", "SENDER_KEY": "k", "INTAKE_SECRET": SECRET,
        "INTAKE_URL": portal.url.replace("/funnel", "/intakes"), "FUNNEL_PUSH_SECONDS": "300",
    })
    assert settings.funnel_url == portal.url
    outbox = Outbox.from_settings(settings)
    outbox.funnel.increment(key(HANDOFF_SENT))
    worker = DeliveryWorker(outbox, settings)

    async def two_rounds():
        async with aiohttp.ClientSession() as session:
            await worker.deliver_due(session)
            outbox.funnel.increment(key(HANDOFF_SENT))
            await worker.deliver_due(session)  # 5 s later, say: the funnel waits for its interval

    asyncio.run(two_rounds())
    assert [json.loads(b)["counts"][0]["count"] for b in portal.bodies] == [1]
    assert outbox.funnel.unpushed(10) == [Counted(key(HANDOFF_SENT), 2)]


@pytest.mark.parametrize(
    "url, safe",
    [
        ("https://portal.example.lv/api/funnel", True),
        ("http://localhost:8080/api/funnel", True),
        ("http://portal:8080/api/funnel", True),
        ("http://portal.example.lv/api/funnel", False),
        ("http://10.0.0.5:8080/api/funnel", False),
    ],
)
def test_the_funnel_url_follows_the_intake_urls_rule(url, safe):
    if safe:
        require_safe_funnel_url(url, {"PALIGS_ENV": "production"})
    else:
        with pytest.raises(FunnelUrlError, match="FUNNEL_URL must use https"):
            require_safe_funnel_url(url, {})
        require_safe_funnel_url(url, {"PALIGS_ENV": "development"})


def test_counts_older_than_a_push_keep_their_week(counts, portal):
    """A count made in one week and pushed in the next goes under the week it was made in."""
    counts.increment(key(week="2026-W49"))
    counts.increment(key(week="2026-W50"))
    assert push(FunnelPush(counts, portal.url, SECRET, every_seconds=300)) == 2
    assert sorted(k[0] for k in portal.stored) == ["2026-W49", "2026-W50"]
