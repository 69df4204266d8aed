"""Helpers for the portal's tests: databases, a real server in a subprocess,
a signed-intake sender and a staff client that logs in with password + TOTP."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import httpx
import pyotp
import pytest

from portal import signing

REPO = Path(__file__).resolve().parents[2]
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
INTAKE_SECRET = "test-intake-secret-of-at-least-32-bytes"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def new_reference() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(8))


def key_entry(kid: str) -> str:
    return f"{kid}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


# --- databases ----------------------------------------------------------------------

async def _pg_admin(statement: str) -> None:
    import asyncpg

    url = PG_ADMIN_URL.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(url, timeout=10)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh database on the machine's PostgreSQL, dropped afterwards. Unreachable:
    a failure, never a skip (the production profile must be tested)."""
    name = "paligs_portal_test_" + uuid.uuid4().hex[:10]
    try:
        run_async(lambda: _pg_admin(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # refused, timed out, auth: asyncpg raises many kinds
        pytest.fail(f"PostgreSQL is needed at {PG_ADMIN_URL} (TEST_POSTGRES_URL): {error!r}")
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}".replace("postgresql://", "postgresql+asyncpg://", 1)
    finally:
        run_async(lambda: _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextlib.contextmanager
def database(backend: str, tmp: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp}/portal-{uuid.uuid4().hex[:6]}.db"
    else:
        with postgres_database() as url:
            yield url


def run(coroutine_function, db_url: str):
    """Run `coroutine_function(session)` in one committed transaction on a fresh engine."""
    from portal import db

    async def go():
        engine = db.make_engine(db_url)
        try:
            async with db.make_sessionmaker(engine).begin() as session:
                return await coroutine_function(session)
        finally:
            await engine.dispose()

    return run_async(go)


def run_async(coroutine_function):
    """asyncio.run in a worker thread: Playwright's sync API keeps a loop running in this one."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(coroutine_function())).result()


# --- intakes ----------------------------------------------------------------------

def intake(**changes) -> dict:
    body = {
        "id": str(uuid.uuid4()),
        "reference": new_reference(),
        "created_on": dt.date.today().isoformat(),
        "language": "uz",
        "channel": "web",
        "source": "emb-tashkent",
        "provider": "marta",
        "age_group": "adult",
        "location": "latvia",
        "sector": "construction",
        "urgent": False,
        "indicators": [
            {"id": "passport_kept", "dimension": "coercion", "strength": "strong", "answer": "yes"},
            {"id": "excessive_hours", "dimension": "exploitation", "strength": "strong", "answer": "unsure"},
            {"id": "job_different", "dimension": "deceptive_recruitment", "strength": "strong", "answer": "no"},
        ],
        "assessment": {
            "signal": "forced_labour_signs",
            "dimensions": {
                "deceptive_recruitment": False, "coercive_recruitment": False, "vulnerable_recruitment": False,
                "exploitation": True, "coercion": True, "vulnerability": False,
            },
            "urgent": False,
        },
        "needs": ["contact_requested", "documents", "legal_help"],
        # the shape the assistant sends (bot/handoff/intake.py)
        "contact": {"method": "phone", "value": "+371 20000001", "language": "ru", "best_time": "after 18:00",
                    "leave_message": False,
                    "consent": {"text_version": "contact-2026-11", "given_at": "2026-11-23T10:01:00Z"}},
        "consent": {"text_version": "2026-11", "language": "uz", "given_at": "2026-11-23T10:00:00Z"},
        "status": "new",
    }
    body.update(changes)
    return body


def withdraw(base_url: str, reference: str, body: dict | None = None, **kwargs) -> httpx.Response:
    """A signed withdrawal, its body naming the reference as the assistant sends it."""
    return send(base_url, {"reference": reference} if body is None else body,
                path=f"/api/intakes/{reference}/withdraw", **kwargs)


def send(base_url: str, body, *, secret: str = INTAKE_SECRET, path: str = "/api/intakes", now: float | None = None,
         raw: bytes | None = None, content_type: str = "application/json",
         headers: dict | None = None) -> httpx.Response:
    payload = raw if raw is not None else json.dumps(body).encode()
    signed = signing.signed_headers(secret.encode(), "POST", path, payload, now=now)
    all_headers = {"Content-Type": content_type, **signed, **(headers or {})}
    return httpx.post(base_url + path, content=payload, headers=all_headers, timeout=30)


# --- the server ---------------------------------------------------------------------

@dataclass
class Server:
    base_url: str
    db_url: str
    env: dict
    process: subprocess.Popen
    log: Path
    backend: str
    users: dict = field(default_factory=dict)

    def cli(self, *args: str, input: str | None = None, extra_env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "portal", *args], cwd=REPO, env={**self.env, **(extra_env or {})},
            input=input, capture_output=True, text=True, timeout=120,
        )


def server_env(db_url: str, tmp: Path, **extra: str) -> dict:
    ours = ("PORTAL_", "SMTP_", "PROVIDER_EMAIL_")
    env = {key: value for key, value in os.environ.items() if not key.startswith(ours)}
    env.update({
        "PORTAL_DB_URL": db_url,
        "PORTAL_DATA_KEY": key_entry("test1"),
        "PORTAL_SESSION_SECRET": secrets.token_urlsafe(32),
        "INTAKE_SECRET": INTAKE_SECRET,
        "PALIGS_ENV": "production",  # real secrets, as in production: the startup check must let them through
        "PORTAL_VAR_DIR": str(tmp),
        "PORTAL_PUBLIC_URL": "https://portal.example.lv",
        "PORTAL_COOKIE_SECURE": "true",
        "PYTHONPATH": str(REPO),
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    env.update(extra)
    return env


@contextlib.contextmanager
def running_server(db_url: str, tmp: Path, backend: str, **extra: str) -> Iterator[Server]:
    port = free_port()
    env = server_env(db_url, tmp, **extra)
    log = tmp / f"portal-{port}.log"
    with log.open("w") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "portal", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO, env=env, stdout=handle, stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"portal exited:\n{log.read_text()}")
            try:
                if httpx.get(base + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"portal did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield Server(base, db_url, env, process, log, backend)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- staff --------------------------------------------------------------------------

@dataclass
class Account:
    email: str
    password: str
    totp_secret: str
    provider: str | None
    role: str


def add_user(server: Server, provider: str | None, role: str, language: str = "en") -> Account:
    """Straight into the database (fast); the CLI path has its own test."""
    from portal import auth
    from portal.crypto import KeyRing
    from portal.settings import parse_key_ring

    email = f"{role}-{uuid.uuid4().hex[:8]}@{provider or 'coordinator'}.example.lv"
    ring = KeyRing(parse_key_ring(server.env["PORTAL_DATA_KEY"]))
    made = auth.make_user(ring, email, provider, role, password="a long test password", language=language)

    async def insert(session):
        session.add(made.user)

    run(insert, server.db_url)
    return Account(email, made.password, made.totp_secret, provider, role)


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class StaffClient:
    """An HTTP client that keeps cookies itself: the portal's cookies are Secure
    (`__Host-`), which a cookie jar would not send over the tests' plain HTTP."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies: dict[str, str] = {}
        self.http = httpx.Client(base_url=base_url, follow_redirects=False, timeout=30)
        self.last_page = ""

    def _remember(self, response: httpx.Response) -> None:
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in header.lower() or not value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        self.http.cookies.clear()

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = kwargs.pop("headers", {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = self.http.request(method, path, headers=headers, **kwargs)
        self._remember(response)
        if response.headers.get("content-type", "").startswith("text/html"):
            self.last_page = response.text
        return response

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict | None = None, csrf: bool = True, **kwargs) -> httpx.Response:
        data = dict(data or {})
        if csrf and "csrf" not in data:
            data["csrf"] = self.csrf()
        return self.request("POST", path, data=data, **kwargs)

    def csrf(self) -> str:
        if not CSRF.search(self.last_page):
            self.get("/portal/stats")
        return CSRF.search(self.last_page).group(1)

    def login(self, account: Account, code: str | None = None) -> httpx.Response:
        self.get("/portal/login")
        response = self.post("/portal/login", {"email": account.email, "password": account.password})
        assert response.status_code == 303, response.text
        self.get("/portal/login/totp")
        return self.post("/portal/login/totp", {"code": code or pyotp.TOTP(account.totp_secret).now()})

    def close(self) -> None:
        self.http.close()


def logged_in(server: Server, provider: str | None, role: str, language: str = "en") -> tuple[StaffClient, Account]:
    account = add_user(server, provider, role, language)
    client = StaffClient(server.base_url)
    response = client.login(account)
    assert response.status_code == 303, response.text
    return client, account
