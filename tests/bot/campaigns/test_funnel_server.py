"""The whole chain in the real action server (`python -m bot serve-actions`, no Rasa): action
calls as the Rasa server sends them are counted, and the outbox worker pushes the counts,
signed, to a stand-in portal on loopback; a plain-http FUNNEL_URL stops the server at start."""

import os
import subprocess
import time

import requests

from bot.actions.gate import SECRET_HEADER
from tests.bot.campaigns.test_funnel_push import SECRET, StandInPortal
from tests.support.servers import BIN, REPO, free_port, stop, wait_until_up

ACTION_SECRET = "funnel-server-action-secret"
SENDER = "rest-9d1f0c2b7a6e4d3c8b5a"
TYPED = "my boss keeps my passport, I am at Brivibas 12"


def action_call(name, slots, events, intent="greet", text=""):
    return {
        "next_action": name, "sender_id": SENDER, "version": "3.6.21", "domain": {},
        "tracker": {"sender_id": SENDER, "slots": slots, "events": events, "paused": False,
                    "latest_message": {"intent": {"name": intent}, "text": text}, "followup_action": None,
                    "active_loop": {}, "latest_action_name": "action_listen"},
    }


def test_the_action_server_counts_and_pushes(tmp_path):
    with StandInPortal() as portal:
        port = free_port()
        env = {
            **os.environ, "PYTHONPATH": str(REPO), "PALIGS_ENV": "development",
            "ACTION_SERVER_SECRET": ACTION_SECRET, "SENDER_KEY": "funnel-server-sender-key",
            "INTAKE_SECRET": SECRET, "INTAKE_URL": portal.url.replace("/funnel", "/intakes"), "FUNNEL_URL": "",
            "OUTBOX_DB_URL": f"sqlite:///{tmp_path}/outbox.db", "OUTBOX_POLL_SECONDS": "0.2",
            "FUNNEL_PUSH_SECONDS": "1",
        }
        log = tmp_path / "actions.log"
        server = subprocess.Popen(
            [str(BIN / "python"), "-m", "bot", "serve-actions", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}/health", server, log, seconds=120)
            webhook, headers = f"http://127.0.0.1:{port}/webhook", {SECRET_HEADER: ACTION_SECRET}
            entry = {"lang": "uz", "src": "emb-tashkent", "channel": "rest"}
            opened = requests.post(webhook, headers=headers, timeout=30, json=action_call(
                "action_session_start", {"language": "lv", "session_started_metadata": entry}, []))
            assert opened.status_code == 200, opened.text
            slots = {"language": "uz", "channel": "rest", "source": "emb-tashkent"}
            events = [{"event": "session_started"}, {"event": "user", "text": "/greet"},
                      {"event": "action", "name": "action_greet"}, {"event": "user", "text": TYPED}]
            answered = requests.post(webhook, headers=headers, timeout=30, json=action_call(
                "action_explain_rights", slots, events, intent="ask_reflection_period", text=TYPED))
            assert answered.status_code == 200 and answered.json()["responses"], answered.text
            # without the secret nothing runs, so nothing is counted
            refused = requests.post(webhook, timeout=30, json=action_call(
                "action_explain_rights", slots, events, intent="ask_reflection_period", text=TYPED))
            assert refused.status_code == 401

            expected = {("emb-tashkent", "uz", "rest", step): 1
                        for step in ("chat_opened", "rights_topic_opened")}
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and {k[1:]: v for k, v in portal.stored.items()} != expected:
                time.sleep(0.2)
            assert {k[1:]: v for k, v in portal.stored.items()} == expected, log.read_text()
            assert portal.refusals == []
            sent = b"".join(portal.bodies).decode()
            assert SENDER not in sent and "passport" not in sent and "Brivibas" not in sent
        finally:
            stop(server)
    assert "passport" not in log.read_text() and SENDER not in log.read_text()


def test_a_plain_http_funnel_url_stops_the_action_server():
    env = {**os.environ, "PYTHONPATH": str(REPO), "PALIGS_ENV": "production",
           "SENDER_KEY": "s" * 40, "INTAKE_SECRET": "s" * 40, "ACTION_SERVER_SECRET": "s" * 40,
           "INTAKE_URL": "https://portal.example.org/api/intakes",
           "FUNNEL_URL": "http://portal.example.org/api/funnel"}
    run = subprocess.run([str(BIN / "python"), "-m", "bot", "serve-actions", "--port", str(free_port())],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode != 0 and "FUNNEL_URL must use https" in run.stderr and "Traceback" not in run.stderr, \
        run.stderr[-2000:]
