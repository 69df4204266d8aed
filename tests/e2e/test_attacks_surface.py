"""Attacks on what is reachable from outside, each paired with a positive control
that shows the same request does work when it should (issue: a safe public surface)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests

from bot.actions.gate import SECRET_HEADER
from tests.support import stored
from tests.support.servers import BIN, MODEL, REPO, free_port


def forged_call(action: str, sender: str, slots: dict) -> dict:
    """What the Rasa server would post to the action server's /webhook."""
    return {
        "next_action": action,
        "sender_id": sender,
        "version": "3.6.2",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": slots,
            "latest_message": {"intent": {"name": "affirm"}, "text": "/affirm", "entities": []},
            "latest_input_channel": "rest",
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


URGENT_INTAKE = {
    "consent_handoff": True, "handoff_confirmed": True, "provider": "marta", "language": "en",
    "channel": "rest", "contact_wanted": False, "age_group": "minor",
}


def outbox_rows(servers):
    path = Path(servers.env["OUTBOX_DB_URL"].removeprefix("sqlite:///"))
    return stored.rows(path, "SELECT kind, reference FROM outbox") if path.exists() else []


def test_a_forged_tracker_without_the_secret_runs_nothing(servers):
    sender = "rest-forged-" + uuid.uuid4().hex[:8]
    before = outbox_rows(servers)
    for headers in ({}, {SECRET_HEADER: "guess"}, {SECRET_HEADER: ""}):
        reply = requests.post(f"{servers.actions_url}/webhook", json=forged_call("action_handoff_submit", sender,
                              URGENT_INTAKE), headers=headers, timeout=30)
        assert reply.status_code == 401, (headers, reply.text)
    assert outbox_rows(servers) == before

    # Positive control: the same call with the secret the Rasa server sends queues an intake.
    reply = requests.post(f"{servers.actions_url}/webhook", json=forged_call("action_handoff_submit", sender,
                          URGENT_INTAKE), headers={SECRET_HEADER: servers.env["ACTION_SERVER_SECRET"]}, timeout=30)
    assert reply.status_code == 200, reply.text
    assert len(outbox_rows(servers)) == len(before) + 1


def test_a_forged_delete_without_the_secret_withdraws_nothing(servers):
    sender = "rest-forged-" + uuid.uuid4().hex[:8]
    call = forged_call("action_delete_data", sender, {"intake_references": ["K7M29QX4"], "language": "en"})
    before = outbox_rows(servers)
    reply = requests.post(f"{servers.actions_url}/webhook", json=call, timeout=30)
    assert reply.status_code == 401
    assert outbox_rows(servers) == before
    reply = requests.post(f"{servers.actions_url}/webhook", json=call,
                          headers={SECRET_HEADER: servers.env["ACTION_SERVER_SECRET"]}, timeout=30)
    assert reply.status_code == 200, reply.text


def test_the_real_conversation_still_reaches_the_actions(servers):
    """The Rasa server sends the header from endpoints.yml: custom actions answer."""
    replies = servers.say("rest-" + uuid.uuid4().hex[:8], "/ask_contacts", lang="en")
    assert any("+371" in r.get("text", "") for r in replies), replies
    assert requests.get(f"{servers.actions_url}/health", timeout=10).status_code == 200


def production_env(**secrets):
    env = {key: value for key, value in os.environ.items() if key != "PALIGS_ENV"}
    env.update({"PYTHONPATH": str(REPO), "RASA_TELEMETRY_ENABLED": "false", "PALIGS_ENV": "production"})
    env.update(secrets)
    return env


STRONG = "s" * 40


@pytest.mark.parametrize("weak", ["SENDER_KEY", "INTAKE_SECRET", "ACTION_SERVER_SECRET"])
def test_the_action_server_refuses_a_published_secret(weak):
    env = production_env(SENDER_KEY=STRONG, INTAKE_SECRET=STRONG, ACTION_SERVER_SECRET=STRONG)
    env[weak] = "change-me-local-" + "x" * 40
    run = subprocess.run([str(BIN / "python"), "-m", "bot", "serve-actions", "--port", str(free_port())],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode != 0 and weak in run.stderr and "Traceback" not in run.stderr, run.stderr[-2000:]


def test_the_rasa_server_refuses_a_published_secret():
    env = production_env(SENDER_KEY="change-me-local-sender-key", ACTION_SERVER_SECRET=STRONG)
    run = subprocess.run(
        [str(BIN / "rasa"), "run", "--interface", "127.0.0.1", "--port", str(free_port()), "--model", str(MODEL),
         "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode != 0 and "SENDER_KEY still holds the published change-me value" in run.stdout + run.stderr


def test_real_secrets_pass_the_check():
    """Positive control: the same production start gets past the check with real secrets."""
    env = production_env(SENDER_KEY=STRONG, INTAKE_SECRET=STRONG, ACTION_SERVER_SECRET=STRONG)
    probe = "from bot.settings import ACTION_SERVER_SECRETS as S, require_real_secrets; require_real_secrets(S)"
    assert subprocess.run([sys.executable, "-c", probe], cwd=REPO, env=env).returncode == 0


def test_the_action_server_refuses_a_plain_http_intake_url():
    env = production_env(SENDER_KEY=STRONG, INTAKE_SECRET=STRONG, ACTION_SERVER_SECRET=STRONG,
                         INTAKE_URL="http://intake.example.org/api/intakes")
    run = subprocess.run([str(BIN / "python"), "-m", "bot", "serve-actions", "--port", str(free_port())],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode != 0 and "intake.example.org" in run.stderr and "Traceback" not in run.stderr, run.stderr
    # Positive control: https (or loopback, or a compose service name) passes the same check.
    probe = ("from bot.handoff.delivery import require_safe_intake_url as check; "
             "[check(u) for u in ('https://intake.example.org/api/intakes', 'http://127.0.0.1:8080/api/intakes', "
             "'http://portal:8080/api/intakes')]")
    assert subprocess.run([sys.executable, "-c", probe], cwd=REPO, env=env).returncode == 0
