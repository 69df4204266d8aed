"""The production profile through nginx, over HTTPS with its generated certificate: two Rasa replicas on
PostgreSQL and Redis (bot/tooling/production.py, what `make run-production` starts, on free ports).

A REST conversation's messages land on the replicas in turn and the conversation keeps its state; the web
chat answers through nginx (its WebSocket in the real browser, and long polling, which needs the sticky
upstream);
paths that are not public answer 404 from nginx; the access log has no query string.
Needs the machine's PostgreSQL and Redis (tests/support/services.py) and nginx; fails without them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import re
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import redis
import requests
import socketio
from playwright.sync_api import expect as see

from bot.tooling.production import CHAT_PATH, running_profile
from tests.support import expect
from tests.support.browser import chromium_page
from tests.support.servers import conversation_id, read_only_store
from tests.support.services import REDIS_URL, temporary_postgres_database

PORTAL_HOST = "portal.localhost"


@pytest.fixture(scope="module")
def profile():
    redis.Redis.from_url(REDIS_URL).ping()  # fails loudly when Redis is missing
    # Readable by others: nginx started as root reads its error page as `nobody`.
    run_dir = Path(tempfile.mkdtemp(prefix="paligs-production-"))
    run_dir.chmod(0o755)
    env = {
        **os.environ,
        "PORTAL_DB_URL": f"sqlite+aiosqlite:///{run_dir}/portal.db",
        "PORTAL_VAR_DIR": str(run_dir),
        # Each replica logs the conversations it locks ("Acquired lock for conversation '…'"): the test
        # reads from the replicas themselves which one handled a message.
        "LOG_LEVEL": "DEBUG",
    }
    try:
        with temporary_postgres_database() as db_url, running_profile(run_dir, db_url, REDIS_URL, env=env) as running:
            yield running
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)


def post(profile, sender, message, **metadata):
    body = {"sender": sender, "message": message, **({"metadata": metadata} if metadata else {})}
    reply = requests.post(profile.url("/webhooks/rest/webhook"), json=body, timeout=60, verify=profile.certificate)
    reply.raise_for_status()
    return [r["text"] for r in reply.json() if r.get("text")]


# What a failed wait shows of each log: CI prints only part of a long failure, so only the lines that
# can explain a lost reply (the socket.io server's and the lock's, warnings and errors), the newest last.
TELLING = re.compile(r"socket|engineio|websocket|lock|ERROR|WARNING|Traceback|Error|action endpoint|utter", re.I)
PYTHON_WARNING = re.compile(r"\w+Warning: |raise_warning\(")


def recent_logs(profile, client_log=(), lines=15):
    """The telling end of each replica's and the action server's log, nginx's error log and what the
    test's own socket.io client said: a failure here has been rare and unexplained."""
    parts = ["--- test client ---", *list(client_log)[-lines:]]
    for name in [*profile.replicas, "actions"]:
        telling = [line[:300] for line in profile.log(name).splitlines()
                   if TELLING.search(line) and not PYTHON_WARNING.search(line)]
        parts += [f"--- {name} ---", *telling[-lines:]]
    error_log = profile.layout.error_log
    nginx = error_log.read_text("utf-8", "replace").splitlines()[-lines:] if error_log.exists() else []
    return "\n".join([*parts, "--- nginx error log ---", *nginx])


class Recorder(logging.Handler):
    """Keeps the records of the test's socket.io client (connects, packets sent and received, closes)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        moment = time.strftime("%H:%M:%S", time.localtime(record.created)) + f".{int(record.msecs):03d}"
        self.lines.append(f"{moment} {record.name} {record.getMessage()[:200]}")


def client_logger(name, recorder):
    logger = logging.getLogger(f"nginx-test.{name}")
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    logger.handlers = [recorder]
    return logger


def take_replies(profile, replies, count, timeout=60, client_log=()):
    taken = []
    for _ in range(count):
        try:
            taken.append(replies.get(timeout=timeout))
        except queue.Empty:
            pytest.fail(f"{len(taken)} of {count} replies ({taken}), then none within {timeout} s\n"
                        f"{recent_logs(profile, client_log)}")
    return taken


def locks(profile, conversation):
    """How many times each replica has locked the conversation, from its own log."""
    line = f"Acquired lock for conversation '{conversation}'"
    return {name: profile.log(name).count(line) for name in profile.replicas}


REST_UPSTREAM = r'"POST /webhooks/rest/webhook" 200 \d+ \S+ "\S+" (\S+) '


def test_rest_messages_alternate_between_the_replicas_and_the_conversation_keeps_its_state(profile):
    # A whole uuid: the replicas' logs keep it as an identifier. Eight hex characters were a digit run one
    # time in twenty, which the log redaction rightly hides as a phone number, and the lock line was not found.
    me = "prod-nginx-" + uuid.uuid4().hex
    conversation = conversation_id(me)
    handled = []
    rest_before = len(access_lines(profile, REST_UPSTREAM))
    steps = [("/greet", {"lang": "ru"}), ("/ask_contacts", {}), ("/emergency", {}), ("/ask_contacts", {})]
    answers = []
    for message, metadata in steps:
        before = locks(profile, conversation)
        answers.append(post(profile, me, message, **metadata))
        # The replica logs the lock before it answers; the wait covers a log line written after the reply.
        deadline = time.monotonic() + 10
        while (after := locks(profile, conversation)) == before and time.monotonic() < deadline:
            time.sleep(0.1)
        changed = [name for name in after if after[name] != before[name]]
        assert len(changed) == 1 and after[changed[0]] == before[changed[0]] + 1, (before, after, recent_logs(profile))
        handled.append(changed[0])

    assert sorted(set(handled)) == ["rasa-1", "rasa-2"]
    assert all(a != b for a, b in zip(handled[:-1], handled[1:], strict=True)), handled  # in turn
    # nginx says the same: its access log names the replica of each request.
    ports = {f"127.0.0.1:{port}": f"rasa-{n}" for n, port in enumerate(profile.ports.rasa, start=1)}
    upstreams = wait_for_access_lines(profile, REST_UPSTREAM, rest_before + len(steps))
    assert [ports[u] for u in upstreams[rest_before:]] == handled

    # The language chosen on one replica is used by the other: the state lives in PostgreSQL.
    assert answers[0][0] == expect.text("utter_greet", "ru")
    assert answers[1][0] == expect.text("utter_contacts_intro", "ru") and "+371 28612120" in answers[1][1]
    assert answers[2][0] == expect.text("utter_emergency", "ru")
    assert answers[3] == answers[1]
    store = read_only_store(profile.tracker_db_url)
    try:
        tracker = asyncio.run(store.retrieve_full_tracker(conversation))
    finally:
        store.engine.dispose()
    assert tracker.get_slot("language") == "ru"
    assert [e.text for e in tracker.events if e.type_name == "user"] == [m for m, _ in steps]


def access_lines(profile, pattern):
    return re.findall(pattern, profile.access_log())


def wait_for_access_lines(profile, pattern, count, timeout=10):
    """The access log's matches of `pattern` once there are `count` of them: nginx writes a request's
    line after its last byte is sent (a WebSocket's when it closes), so the client can be faster."""
    deadline = time.monotonic() + timeout
    while len(found := access_lines(profile, pattern)) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


WEBSOCKET = r'"GET /socket.io/" 101 '
LONG_POLL = r'"(?:GET|POST) /socket.io/" 200 '


def test_the_web_chat_talks_over_a_websocket_through_nginx(profile):
    """The widget in the real browser: the page, its scripts and its WebSocket all through nginx, under
    the page's own Content-Security-Policy. (Python's threaded socket.io client is not used for this:
    it reads and writes one TLS socket from two threads, which OpenSSL forbids, and now and then drops
    the connection itself, python-engineio issue 461: CI lost a reply that way twice.)"""
    websockets, polls = len(access_lines(profile, WEBSOCKET)), len(access_lines(profile, LONG_POLL))
    # The profile's certificate is its own, not one the browser knows.
    with chromium_page(ignore_https_errors=True) as page:
        page.goto(profile.url(f"{CHAT_PATH}?lang=uk&src=nginx-test"))
        see(page.locator(".msg.bot").first).to_contain_text(expect.text("utter_greet", "uk")[:40], timeout=60_000)
        contacts = expect.button_titles("utter_menu", "uk")[2]
        page.locator(".msg .buttons button", has_text=contacts).last.click()
        intro = expect.text("utter_contacts_intro", "uk")
        see(page.locator(".msg.bot", has_text=intro)).to_have_count(1, timeout=60_000)
        see(page.locator(".msg.bot", has_text="+371 28612120")).to_have_count(1, timeout=60_000)
    # One WebSocket, no long polling: nginx's access log says so once the browser has closed it.
    assert len(wait_for_access_lines(profile, WEBSOCKET, websockets + 1)) == websockets + 1
    assert len(access_lines(profile, LONG_POLL)) == polls


def test_the_web_chat_talks_over_long_polling_through_nginx(profile, monkeypatch):
    """Long polling is many requests of one engine.io session, so it needs the sticky upstream: round
    robin would send half of them to a replica that does not know the session."""
    # requests lets REQUESTS_CA_BUNDLE outrank a session's own `verify`: name the profile's certificate.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(profile.certificate))
    http = requests.Session()
    http.verify = str(profile.certificate)
    replies, sessions = queue.Queue(), queue.Queue()
    recorder = Recorder()
    socket_log = client_logger("socketio", recorder)
    client = socketio.Client(reconnection=False, http_session=http, logger=socket_log,
                             engineio_logger=client_logger("engineio", recorder))
    client.on("bot_uttered", replies.put)
    client.on("session_confirm", sessions.put)
    client.on("disconnect", lambda: socket_log.info("disconnected"))
    polls = len(access_lines(profile, LONG_POLL))
    client.connect(profile.url(), socketio_path="/socket.io", transports=["polling"], wait_timeout=20)
    try:
        client.emit("session_request", {"session_id": None})
        session_id = sessions.get(timeout=20)
        client.emit("user_uttered", {"message": "/greet", "session_id": session_id,
                                     "metadata": {"lang": "uk", "src": "nginx-test"}})
        greeting = [reply["text"] for reply in take_replies(profile, replies, 3, client_log=recorder.lines)]
        client.emit("user_uttered", {"message": "/ask_contacts", "session_id": session_id,
                                     "metadata": {"lang": "uk", "src": "nginx-test"}})
        contacts = [reply.get("text", "") for reply in take_replies(profile, replies, 2, client_log=recorder.lines)]
    finally:
        client.disconnect()
    assert greeting == [expect.text(name, "uk") for name in ("utter_greet", "utter_greet_leave_anytime", "utter_menu")]
    assert contacts[0] == expect.text("utter_contacts_intro", "uk") and "+371 28612120" in contacts[1]
    # Several requests, all answered: the replica that opened the session got every one.
    assert len(wait_for_access_lines(profile, LONG_POLL, polls + 4)) >= polls + 4


def fetch(profile, method, path, host=None, **kwargs):
    headers = {"Host": f"{host}:{profile.ports.https}"} if host else {}
    return requests.request(method, profile.url(path), headers=headers, timeout=30, allow_redirects=False,
                            verify=profile.certificate, **kwargs)


@pytest.mark.parametrize("method, path, host", [
    ("POST", "/model/parse", None),
    ("GET", "/conversations/x/tracker", None),
    ("GET", "/webhooks/rest/", None),
    ("GET", "/webhooks/web/", None),
    ("GET", "/version", None),
    ("POST", "/api/intakes", None),
    ("POST", "/api/intakes", PORTAL_HOST),
    ("GET", "/health", PORTAL_HOST),
])
def test_what_is_not_public_answers_404_from_nginx(profile, method, path, host):
    reply = fetch(profile, method, path, host, json={} if method == "POST" else None)
    assert reply.status_code == 404
    assert "<center>nginx</center>" in reply.text  # nginx's own page: nothing was forwarded


@pytest.mark.parametrize("method, path, host, status", [
    ("GET", "/webhooks/web/chat?lang=lv", None, 200),
    ("GET", "/webhooks/web/chat/static/chat.js", None, 200),
    ("GET", "/webhooks/web/chat/strings.json?lang=ru", None, 200),
    ("POST", "/webhooks/sms/webhook", None, 503),  # the channel's own answer: no TWILIO_AUTH_TOKEN here
    ("POST", "/webhooks/whatsapp/webhook", None, 503),  # likewise: no TWILIO_AUTH_TOKEN
    ("POST", "/webhooks/telegram/webhook", None, 503),  # no TELEGRAM_BOT_TOKEN / TELEGRAM_SECRET_TOKEN
    ("GET", "/portal/login", PORTAL_HOST, 200),
])
def test_the_public_paths_reach_their_service(profile, method, path, host, status):
    """The positive control of the 404s above."""
    reply = fetch(profile, method, path, host)
    assert reply.status_code == status, reply.text[:300]
    assert "<center>nginx</center>" not in reply.text and "tel:112" not in reply.text


def test_the_chat_page_keeps_its_own_policy_and_nginx_adds_the_rest(profile):
    reply = fetch(profile, "GET", "/webhooks/web/chat?lang=ru&src=headers")
    headers = reply.raw.headers
    policies = headers.getlist("Content-Security-Policy")
    assert len(policies) == 1 and "script-src 'self'" in policies[0]  # the page's, not a second one
    assert f"wss://127.0.0.1:{profile.ports.https}" in policies[0]  # its socket.io, as the browser sees it
    assert headers.getlist("Strict-Transport-Security") == ["max-age=31536000"]
    assert headers.getlist("X-Content-Type-Options") == ["nosniff"]
    assert headers.getlist("Referrer-Policy") == ["no-referrer"]
    assert headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert headers["Server"] == "nginx"
    assert not [name for name in headers if "upstream" in name.lower()]
    rest = requests.post(profile.url("/webhooks/rest/webhook"), json={"sender": "hdr-" + uuid.uuid4().hex[:6],
                         "message": "/greet"}, timeout=60, verify=profile.certificate)
    assert rest.headers["Cache-Control"] == "no-store"
    assert rest.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_plain_http_moves_to_https(profile):
    reply = requests.get(profile.url("/webhooks/web/chat?lang=ru&src=qr", scheme="http"), allow_redirects=False,
                         timeout=10)
    assert reply.status_code == 301
    assert reply.headers["Location"] == profile.url("/webhooks/web/chat?lang=ru&src=qr")


def test_the_access_log_has_no_query_string(profile):
    fetch(profile, "GET", "/webhooks/web/chat?lang=ru&src=emb-tashkent")
    log = profile.access_log()
    assert '"GET /webhooks/web/chat" 200' in log  # positive control: the request is there
    assert "?" not in log and "lang=" not in log and "emb-tashkent" not in log
