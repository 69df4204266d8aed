"""Start the real Rasa server and action server on free ports for a test session.

The Rasa server runs as in production: channels only, no HTTP API, no CORS.
Tests read a conversation's tracker from the tracker store itself, read-only,
with Rasa's own store class (`Servers.tracker`).
"""

from __future__ import annotations

import asyncio
import functools
import os
import socket
import subprocess
import sys
import tarfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import requests

from bot.server.channels.conversation_ids import namespace_of, rest_conversation_id
from tests.support import stored

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
MODEL = REPO / "models" / "paligs.tar.gz"
CHAT_PATH = "/webhooks/web/chat"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def conversation_id(sender: str) -> str:
    """The conversation id the servers use: ids of a channel namespace (`web-…`, `sms-…`) as they
    are, a bare REST sender as the REST channel stores it (`rest-` + sender)."""
    return sender if namespace_of(sender) else rest_conversation_id(sender)


@functools.lru_cache(maxsize=1)
def model_domain() -> Any:
    """The domain inside the trained model, the one the running Rasa server uses."""
    from rasa.shared.core.domain import Domain

    with tarfile.open(MODEL) as archive:
        member = next(m for m in archive.getmembers() if m.name.endswith("components/domain_provider/domain.yml"))
        return Domain.from_yaml(archive.extractfile(member).read().decode("utf-8"))


def read_only_store(tracker_db_url: str) -> Any:
    """Rasa's SQLTrackerStore over a read-only connection: an SQLite file opened with mode=ro
    (a missing file fails instead of being created), PostgreSQL in read-only transactions."""
    from rasa.core.tracker_store import SQLTrackerStore
    from sqlalchemy.engine import make_url

    url = make_url(tracker_db_url)
    if url.drivername.split("+")[0] == "sqlite":
        path = Path(url.database).resolve()
        assert path.is_file(), f"{path} does not exist"
        url = make_url(f"sqlite:///file:{path}?mode=ro&uri=true")
    else:
        url = url.update_query_dict({"options": "-c default_transaction_read_only=on"})
    # A full URL as `host` is used as it is (SQLTrackerStore.get_db_url).
    return SQLTrackerStore(domain=model_domain(), host=url.render_as_string(hide_password=False))


@dataclass
class Servers:
    rasa_url: str
    actions_url: str
    tracker_db_url: str
    log_dir: Path
    actions_command: Optional[list] = None
    env: Optional[Dict[str, str]] = None
    actions_process: Optional[subprocess.Popen] = None
    _store: Any = field(default=None, repr=False)

    @property
    def chat_url(self) -> str:
        """The web chat page, on the Rasa server's public listener."""
        return self.rasa_url + CHAT_PATH

    def kill_actions(self) -> None:
        """SIGKILL, as a crash would: no shutdown handler runs."""
        self.actions_process.kill()
        self.actions_process.wait()

    def start_actions(self) -> None:
        log = self.log_dir / "actions-restarted.log"
        self.actions_process = subprocess.Popen(
            self.actions_command, cwd=REPO, env=self.env, stdout=log.open("a"), stderr=subprocess.STDOUT
        )
        wait_until_up(f"{self.actions_url}/health", self.actions_process, log)

    def say(self, sender: str, message: str, **metadata: str) -> list:
        body: Dict[str, object] = {"sender": sender, "message": message}
        if metadata:
            body["metadata"] = metadata
        reply = requests.post(f"{self.rasa_url}/webhooks/rest/webhook", json=body, timeout=60)
        reply.raise_for_status()
        return reply.json()

    def tracker(self, sender: str) -> dict:
        """A conversation's state as Rasa's tracker API would give it (slots, active_loop, events),
        read from the tracker store. `sender` is a conversation id or a bare REST sender."""
        from rasa.shared.core.trackers import EventVerbosity

        if self._store is None:
            self._store = read_only_store(self.tracker_db_url)
        tracker = asyncio.run(self._store.retrieve_full_tracker(conversation_id(sender)))
        assert tracker is not None, f"the tracker store holds no conversation {conversation_id(sender)!r}"
        return tracker.current_state(EventVerbosity.AFTER_RESTART)

    def logs(self) -> str:
        return "".join(p.read_text("utf-8", "replace") for p in sorted(self.log_dir.glob("*.log")))


def wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: int = 240) -> None:
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


# What asyncio logs for an aiohttp session or connector left open when the loop ends.
UNCLOSED = "Unclosed client session"


def stop(process: subprocess.Popen) -> None:
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
        "TRACKER_DB_URL": tracker_db_url,
        "LOCK_STORE_URL": lock_store_url,
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions_port}/webhook",
        "CHAT_SOCKET_URL": "",  # the page's own origin
        "SANIC_HOST": "127.0.0.1",
        "RASA_TELEMETRY_ENABLED": "false",
        "OMP_NUM_THREADS": "1",  # the sentence encoder serves on one thread
        "ENCODER_THREADS": "1",
        "SENDER_KEY": "e2e-sender-key",
        "OUTBOX_DB_URL": f"sqlite:///{tmp}/outbox.db",
        "OUTBOX_POLL_SECONDS": "0.5",
        **(extra_env or {}),
    }
    tmp.mkdir(parents=True, exist_ok=True)
    actions_log, rasa_log = tmp / "actions.log", tmp / "rasa.log"
    actions_command = [
        str(BIN / "python"), "-m", "bot", "serve-actions", "--host", "127.0.0.1", "--port", str(actions_port)
    ]
    actions = subprocess.Popen(
        actions_command, cwd=REPO, env=env, stdout=actions_log.open("w"), stderr=subprocess.STDOUT
    )
    rasa = subprocess.Popen(
        [str(BIN / "rasa"), "run", "--interface", "127.0.0.1", "--port", str(rasa_port), "--model", str(MODEL),
         "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
        cwd=REPO, env=env, stdout=rasa_log.open("w"), stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{actions_port}/health", actions, actions_log)
        wait_until_up(f"http://127.0.0.1:{rasa_port}/", rasa, rasa_log)
        servers = Servers(
            rasa_url=f"http://127.0.0.1:{rasa_port}",
            actions_url=f"http://127.0.0.1:{actions_port}",
            tracker_db_url=tracker_db_url,
            log_dir=tmp,
            actions_command=actions_command,
            env=env,
            actions_process=actions,
        )
        yield servers
    finally:
        stop(rasa)
        stop(servers.actions_process if "servers" in locals() else actions)
        if "servers" in locals() and servers._store is not None:
            servers._store.engine.dispose()
    # Reached only when the tests passed: a server that stops must close what it opened.
    unclosed = [line for line in rasa_log.read_text("utf-8", "replace").splitlines() if UNCLOSED in line]
    assert not unclosed, f"the Rasa server stopped with connections open: {unclosed[:3]}"


PORTAL_PY = REPO / ".venv" / "portal" / "bin" / "python"
INTAKE_SECRET = "e2e-intake-secret"


class PortalServer:
    """The real intake service from its own environment, on a free port; can be
    stopped and started again on the same database (fault tests)."""

    def __init__(self, tmp: Path) -> None:
        if not PORTAL_PY.exists():
            raise RuntimeError(f"{PORTAL_PY} is missing: run `make portal-setup` (make test does)")
        self.tmp, self.port = tmp, free_port()
        self.db = tmp / "portal.db"
        self.env = {
            **os.environ,
            "PORTAL_DB_URL": f"sqlite+aiosqlite:///{self.db}",
            "PORTAL_VAR_DIR": str(tmp),
            "INTAKE_SECRET": INTAKE_SECRET,
            "SMTP_URL": "",
            "PORTAL_PUBLIC_URL": f"http://127.0.0.1:{self.port}",
        }
        self.env.pop("PYTHONPATH", None)
        self.process: Optional[subprocess.Popen] = None

    @property
    def intake_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/intakes"

    def start(self) -> None:
        log = self.tmp / "portal.log"
        self.process = subprocess.Popen(
            [str(PORTAL_PY), "-m", "portal", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=REPO, env=self.env, stdout=log.open("a"), stderr=subprocess.STDOUT,
        )
        wait_until_up(f"http://127.0.0.1:{self.port}/health", self.process, log)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None

    def intakes(self) -> list:
        """Every stored intake, read straight from the portal's database (read-only: the
        portal made it when it started; a missing file or table fails)."""
        return stored.rows(self.db, "SELECT * FROM intakes")
