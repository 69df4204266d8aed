"""The shared fixtures (imported by conftest.py only inside the portal venv)."""

from __future__ import annotations

import threading

import pytest

from tests.portal import helpers

BACKENDS = ["sqlite", "postgresql"]


class Mailbox:
    """Collects what the local SMTP server receives."""

    def __init__(self) -> None:
        self.messages: list = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default

        with self.arrived:
            self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default)))
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, predicate, timeout: float = 20):
        with self.arrived:
            self.arrived.wait_for(lambda: any(predicate(m) for m in self.messages), timeout=timeout)
        return [m for m in self.messages if predicate(m)]


@pytest.fixture(scope="session")
def mailbox():
    from aiosmtpd.controller import Controller

    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=helpers.free_port())
    controller.start()
    box.url = f"smtp://127.0.0.1:{controller.port}"
    yield box
    controller.stop()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request):
    return request.param


@pytest.fixture(scope="session")
def db_url(backend, tmp_path_factory):
    with helpers.database(backend, tmp_path_factory.mktemp(f"db-{backend}")) as url:
        yield url


@pytest.fixture(scope="session")
def server(backend, db_url, mailbox, tmp_path_factory):
    """The real service over HTTP, with SMTP pointed at the local mailbox."""
    with helpers.running_server(
        db_url, tmp_path_factory.mktemp(f"server-{backend}"), backend,
        SMTP_URL=mailbox.url,
        PROVIDER_EMAIL_MARTA="intake@marta.example.lv",
        PROVIDER_EMAIL_DROSA_MAJA="intake@drosamaja.example.lv",
    ) as running:
        yield running


@pytest.fixture
def fresh_db(backend, tmp_path):
    """An empty database of each kind, for migration tests."""
    with helpers.database(backend, tmp_path) as url:
        yield url
