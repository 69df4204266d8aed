"""Start the real Rasa server and action server on free ports for a test session."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator

import requests

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MODEL = REPO / "models" / "paligs.tar.gz"
TOKEN = "e2e-test-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Servers:
    rasa_url: str
    actions_url: str
    tracker_db_url: str
    log_dir: Path
    token: str = TOKEN

    def say(self, sender: str, message: str, **metadata: str) -> list:
        body: Dict[str, object] = {"sender": sender, "message": message}
        if metadata:
            body["metadata"] = metadata
        reply = requests.post(f"{self.rasa_url}/webhooks/rest/webhook", json=body, timeout=60)
        reply.raise_for_status()
        return reply.json()

    def tracker(self, sender: str) -> dict:
        reply = requests.get(
            f"{self.rasa_url}/conversations/{sender}/tracker", params={"token": self.token}, timeout=30
        )
        reply.raise_for_status()
        return reply.json()

    def logs(self) -> str:
        return "".join(p.read_text("utf-8", "replace") for p in sorted(self.log_dir.glob("*.log")))


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: int = 240) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text('utf-8', 'replace')[-4000:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not come up:\n{log.read_text('utf-8', 'replace')[-4000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def running_servers(
    tmp: Path, tracker_db_url: str, lock_store_url: str = "", extra_env: Dict[str, str] | None = None
) -> Iterator[Servers]:
    if not MODEL.exists():
        raise RuntimeError(f"{MODEL} is missing: run `make train` (make test does)")
    rasa_port, actions_port = free_port(), free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "RASA_TOKEN": TOKEN,
        "TRACKER_DB_URL": tracker_db_url,
        "LOCK_STORE_URL": lock_store_url,
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
        "CHAT_SOCKET_URL": f"http://127.0.0.1:{rasa_port}",
        "SANIC_HOST": "127.0.0.1",
        "RASA_TELEMETRY_ENABLED": "false",
        **(extra_env or {}),
    }
    tmp.mkdir(parents=True, exist_ok=True)
    actions_log, rasa_log = tmp / "actions.log", tmp / "rasa.log"
    actions = subprocess.Popen(
        [str(BIN / "python"), "-m", "bot", "serve-actions", "--host", "127.0.0.1", "--port", str(actions_port)],
        cwd=REPO, env=env, stdout=actions_log.open("w"), stderr=subprocess.STDOUT,
    )
    rasa = subprocess.Popen(
        [str(BIN / "rasa"), "run", "--enable-api", "--auth-token", TOKEN, "--cors", "*",
         "--interface", "127.0.0.1", "--port", str(rasa_port), "--model", str(MODEL),
         "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
        cwd=REPO, env=env, stdout=rasa_log.open("w"), stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{actions_port}/health", actions, actions_log)
        _wait_until_up(f"http://127.0.0.1:{rasa_port}/", rasa, rasa_log)
        yield Servers(
            rasa_url=f"http://127.0.0.1:{rasa_port}",
            actions_url=f"http://127.0.0.1:{actions_port}",
            tracker_db_url=tracker_db_url,
            log_dir=tmp,
        )
    finally:
        _stop(rasa)
        _stop(actions)
