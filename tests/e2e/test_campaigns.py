"""Campaigns end to end: the chat opened from a registered campaign's link and from an unregistered
one, self-checks and handoffs through the web chat's socket.io (what the page sends for
`?lang=ru&src=…`), then the counts in the portal's Campaigns page and CSV, as a coordinator sees
them; the counters table holds no conversation id, sender or text.

Five people per link, so that every count the test looks for is 5 and shown, not "<5".
"""

import csv
import io
import json
import queue
import subprocess
import time

import pytest
import socketio

from bot.campaigns.registry import campaigns
from tests.support import stored
from tests.support.servers import BIN, INTAKE_SECRET, PORTAL_PY, REPO, PortalServer, running_servers

PEOPLE = 5
REGISTERED = "emb-tashkent"
UNREGISTERED = "poster-we-never-made"  # counted as "other", never as written
DATA_KEY = "k1:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY="  # 32 bytes, test only
FINISHED_STEPS = {"chat_opened", "first_message", "screening_started", "screening_finished_few_signs",
                  "handoff_sent"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("campaigns")
    posters = tmp / "posters"
    made = subprocess.run([str(BIN / "python"), "-m", "bot", "qr", "--campaign", REGISTERED, "--lang", "ru",
                           "--out", str(posters)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert made.returncode == 0, made.stdout + made.stderr
    portal = PortalServer(tmp)
    portal.env.update({"PORTAL_DATA_KEY": DATA_KEY, "PORTAL_SESSION_SECRET": "e2e-session-secret-" + "x" * 32,
                       "PORTAL_POSTERS_DIR": str(posters)})
    portal.start()
    env = {"INTAKE_URL": portal.intake_url, "INTAKE_SECRET": INTAKE_SECRET, "FUNNEL_PUSH_SECONDS": "1"}
    try:
        with running_servers(tmp, f"sqlite:///{tmp}/tracker.db", extra_env=env) as servers:
            yield servers, portal
    finally:
        portal.stop()


class WebChat:
    """One person in the web chat, as the page speaks to the server: socket.io, the page's
    `lang` and `src` as metadata of every message."""

    def __init__(self, url: str, lang: str, src: str) -> None:
        self.metadata = {"lang": lang, "src": src}
        self.replies: "queue.Queue[dict]" = queue.Queue()
        sessions: "queue.Queue[str]" = queue.Queue()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("bot_uttered", self.replies.put)
        self.sio.on("session_confirm", sessions.put)
        self.sio.connect(url, socketio_path="/socket.io", transports=["websocket"], wait_timeout=20)
        self.sio.emit("session_request", {"session_id": None})
        self.session_id = sessions.get(timeout=20)
        self.last: list = []

    def send(self, text: str) -> list:
        """The turn's messages: until one with buttons came, or nothing more for a moment."""
        self.sio.emit("user_uttered", {"message": text, "session_id": self.session_id, "metadata": self.metadata})
        turn, deadline = [], time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                message = self.replies.get(timeout=0.8 if turn else 60)
            except queue.Empty:
                break
            turn.append(message)
            if message.get("quick_replies") or message.get("buttons"):
                break
        assert turn, f"no answer to {text!r}"
        self.last = turn
        return turn

    def payloads(self) -> list:
        return [b["payload"] for m in self.last for b in (m.get("quick_replies") or m.get("buttons") or [])]

    def press_nth(self, position: int) -> list:
        return self.send(self.payloads()[position - 1])

    def close(self) -> None:
        self.sio.disconnect()


def self_check_and_handoff(servers, src):
    """Greeting, the self-check answered "no" throughout (few signs), and a handoff to MARTA."""
    chat = WebChat(servers.rasa_url, "ru", src)
    try:
        chat.send("/greet")  # what the page sends when it opens
        chat.send("/start_screening")
        chat.send("/affirm")  # yes, start
        chat.press_nth(1)  # 18 or older
        chat.press_nth(1)  # in Latvia
        chat.press_nth(1)  # construction
        while "/deny" in chat.payloads() and "/unsure" in chat.payloads():
            chat.send("/deny")
        assert "/request_handoff" in chat.payloads(), chat.last
        chat.send("/request_handoff")
        chat.send("/affirm")  # yes, send my answers
        chat.send("1")  # Centrs MARTA
        chat.send("/deny")  # no contact
        done = chat.send("/affirm")  # send
        assert any("MARTA" in (m.get("text") or "") or m.get("text") for m in done)
        return chat.session_id
    finally:
        chat.close()


def coordinator_pages(portal, *paths):
    env = {**portal.env, "PYTHONPATH": str(REPO)}
    base_url = portal.intake_url.rsplit("/api/", 1)[0]
    fetched = subprocess.run([str(PORTAL_PY), "-m", "tests.support.portal_staff", base_url, "coordinator", *paths],
                             cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert fetched.returncode == 0, fetched.stdout + fetched.stderr
    return json.loads(fetched.stdout)


def test_campaign_counts_reach_the_portal_and_hold_nothing_about_anyone(stack):
    servers, portal = stack
    conversations = []
    for src in (REGISTERED, UNREGISTERED):
        for _ in range(PEOPLE):
            conversations.append(self_check_and_handoff(servers, src))
    assert {servers.tracker(c)["slots"]["source"] for c in conversations} == {REGISTERED, "other"}

    # The action server pushes every second; the portal keeps the largest count per key.
    outbox = servers.log_dir / "outbox.db"
    deadline = time.monotonic() + 60
    while True:
        rows = stored.rows(outbox, "SELECT * FROM funnel_counts")
        pushed = {(r["campaign"], r["step"]): (r["count"], r["pushed_count"]) for r in rows}
        if all(pushed.get((c, s)) == (PEOPLE, PEOPLE) for c in (REGISTERED, "other") for s in FINISHED_STEPS):
            break
        assert time.monotonic() < deadline, pushed
        time.sleep(0.5)

    # The counters: weeks, closed sets and numbers only.
    assert set(rows[0]) <= {"week", "campaign", "language", "channel", "step", "count", "pushed_count", "updated_at"}
    assert {r["campaign"] for r in rows} == {REGISTERED, "other"}
    assert {(r["language"], r["channel"]) for r in rows} == {("ru", "web")}
    counters = json.dumps(rows)
    for conversation in conversations:
        assert conversation not in counters
    assert UNREGISTERED not in counters and "MARTA" not in counters

    name = campaigns().by_code[REGISTERED].name
    pages = coordinator_pages(portal, "/portal/campaigns", "/portal/campaigns.csv",
                              f"/portal/campaigns/posters/{REGISTERED}/ru/poster_pdf")
    page, csv_text, poster = (pages[p] for p in ("/portal/campaigns", "/portal/campaigns.csv",
                                                 f"/portal/campaigns/posters/{REGISTERED}/ru/poster_pdf"))
    assert page["status"] == 200 and name in page["text"]
    assert csv_text["status"] == 200 and csv_text["content_type"].startswith("text/csv")
    rows_of = list(csv.DictReader(io.StringIO(csv_text["text"])))
    assert list(rows_of[0])[:3] == ["campaign", "campaign_name", "language"]
    lines = {(r["campaign"], r["language"]): r for r in rows_of}
    assert lines[(REGISTERED, "ru")]["campaign_name"] == name
    for campaign in (REGISTERED, "other"):
        for step in FINISHED_STEPS:
            assert lines[(campaign, "ru")][step] == str(PEOPLE), (campaign, step, lines[(campaign, "ru")])
        assert lines[(campaign, "ru")]["emergency_shown"] == "0"
    # The page shows the same numbers.
    assert page["text"].count(f">{PEOPLE}<") >= 2 * len(FINISHED_STEPS)
    assert UNREGISTERED not in page["text"] and UNREGISTERED not in csv_text["text"]
    assert poster["status"] == 200 and poster["content_type"] == "application/pdf"
