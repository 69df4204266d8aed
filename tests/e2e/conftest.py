import http.server
import threading

import pytest

from tests.support.servers import free_port, running_servers


class NeutralPage(http.server.BaseHTTPRequestHandler):
    """Stands in for the neutral site the quick exit opens (no internet here)."""

    def do_GET(self):
        body = b"<!doctype html><title>Weather</title><p>Riga: cloudy, 4 degrees.</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def neutral_site():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), NeutralPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/weather"
    server.shutdown()


@pytest.fixture(scope="session")
def servers(tmp_path_factory, neutral_site):
    """The embedded default: SQLite tracker store, in-memory lock store."""
    tmp = tmp_path_factory.mktemp("embedded")
    with running_servers(
        tmp, f"sqlite:///{tmp}/tracker.db", extra_env={"QUICK_EXIT_URL": neutral_site}
    ) as running:
        yield running
