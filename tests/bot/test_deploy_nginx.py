"""deploy/nginx/paligs.conf.template: rendered as the production profile renders it, accepted by `nginx -t`
(unprivileged prefix, a generated certificate), only the public locations, the headers, a log without
query strings; and the same file run by a real nginx whose upstreams are down: 404 for everything not
public, the page with 112 and the hotline when no replica answers, HTTP moved to HTTPS; and with a
stand-in for Rasa, the channels' webhooks (SMS, WhatsApp, Telegram) arrive with their signature and secret
headers and their bodies as sent, none of which reaches the log. No Rasa is needed here;
tests/e2e/test_production_nginx.py runs the whole profile.

nginx and openssl are Debian packages (scripts/ensure-system-packages); without them this fails.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import pytest

from bot.contacts.book import contact_book, display_phone
from bot.i18n.catalogs import default_catalogs
from bot.language.registry import registry
from bot.tooling import production
from bot.web.page import ui_strings

TEMPLATE = production.TEMPLATE.read_text(encoding="utf-8")
SECURITY_HEADERS = ("Strict-Transport-Security", "Content-Security-Policy", "X-Frame-Options",
                    "X-Content-Type-Options", "Referrer-Policy", "Permissions-Policy", "Cache-Control")
# Every location of each server: (modifier, path) -> what it does. Nothing else may be forwarded.
STATIC_ASSETS = r"^/webhooks/web/chat/static/(chat\.js|chat\.css|socket\.io\.min\.js)$"
CHAT_LOCATIONS = {
    ("=", "/_paligs/unavailable.html"): "internal",
    ("=", "/"): "return 302 /webhooks/web/chat$is_args$args",
    ("=", "/chat"): "return 302 /webhooks/web/chat$is_args$args",
    ("=", "/webhooks/rest/webhook"): "proxy_pass http://paligs_rasa",
    ("=", "/webhooks/sms/webhook"): "proxy_pass http://paligs_rasa",
    ("=", "/webhooks/whatsapp/webhook"): "proxy_pass http://paligs_rasa",
    ("=", "/webhooks/telegram/webhook"): "proxy_pass http://paligs_rasa",
    ("=", "/webhooks/web/chat"): "proxy_pass http://paligs_rasa",
    ("=", "/webhooks/web/chat/strings.json"): "proxy_pass http://paligs_rasa",
    ("~", STATIC_ASSETS): "proxy_pass http://paligs_rasa",
    ("", "/socket.io/"): "proxy_pass http://$paligs_socket_upstream",
    ("", "/"): "return 404",
}
PORTAL_LOCATIONS = {
    ("=", "/"): "return 302 /portal/",
    ("=", "/portal"): "proxy_pass http://paligs_portal",
    ("", "/portal/"): "proxy_pass http://paligs_portal",
    ("", "/"): "return 404",
}
HTTP_LOCATIONS = {("", "/"): "return 301 https://$host"}
# The channels' webhooks: form-encoded and signed by Twilio (SMS, WhatsApp), JSON with a secret header from
# Telegram. The header must reach Rasa as sent; the bodies hold phone numbers and chat ids.
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOKS = ["/webhooks/sms/webhook", "/webhooks/whatsapp/webhook", "/webhooks/telegram/webhook"]


def blocks(text: str, keyword: str) -> List[Tuple[str, str]]:
    """(header, body) of every `keyword ... { body }` block, braces matched."""
    found = []
    for match in re.finditer(rf"^\s*{keyword}\b([^{{;]*)\{{", text, re.M):
        depth, index = 1, match.end()
        while depth:
            depth += {"{": 1, "}": -1}.get(text[index], 0)
            index += 1
        found.append((match.group(1).strip(), text[match.end():index - 1]))
    return found


def locations(server: str) -> Dict[Tuple[str, str], str]:
    result = {}
    for header, body in blocks(server, "location"):
        modifier, _, path = header.partition(" ") if header[0] in "=~^" else ("", "", header)
        result[(modifier, path.strip())] = " ".join(body.split())
    return result


def servers(text: str) -> Dict[str, str]:
    """The server blocks by server_name."""
    http = blocks(text, "http")[0][1]
    return {re.search(r"server_name ([^;]+);", body).group(1): body for _, body in blocks(http, "server")}


@pytest.fixture(scope="module")
def run_dir() -> Iterator[Path]:
    """Readable by others: nginx started as root reads its error page as `nobody`."""
    path = Path(tempfile.mkdtemp(prefix="paligs-nginx-test-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="module")
def rendered(run_dir) -> Tuple[production.Layout, production.Ports, str]:
    layout = production.Layout(run_dir)
    ports = production.Ports.free()  # nothing listens on the Rasa and portal ports: upstreams down
    production.make_certificate(layout, ["localhost", "portal.localhost"])
    values = production.nginx_values(layout, ports, "127.0.0.1", "localhost", "portal.localhost")
    production.write_nginx_config(layout, values)
    return layout, ports, without_comments(layout.nginx_conf.read_text())


def without_comments(text: str) -> str:
    """The directives alone (the template's comments are whole lines)."""
    return re.sub(r"(?m)^\s*#.*\n", "", text)


def test_the_template_has_only_known_placeholders_and_renders_like_envsubst(rendered):
    layout, ports, text = rendered
    values = production.nginx_values(layout, ports, "127.0.0.1", "localhost", "portal.localhost")
    assert set(production.placeholders(TEMPLATE)) == set(values)
    text = layout.nginx_conf.read_text()
    assert "${" not in text
    envsubst = shutil.which("envsubst")
    assert envsubst, "envsubst (Debian gettext-base) is missing"
    # What the official nginx image's entrypoint does: envsubst restricted to the defined variables.
    shell_format = " ".join(f"${{{name}}}" for name in values)
    by_envsubst = subprocess.run([envsubst, shell_format], input=TEMPLATE, env=values, capture_output=True,
                                 text=True, check=True).stdout
    assert by_envsubst == text
    with pytest.raises(production.ProfileError, match="PALIGS_SERVER_NAME"):
        production.render(TEMPLATE, {k: v for k, v in values.items() if k != "PALIGS_SERVER_NAME"})


def test_nginx_accepts_the_rendered_configuration(rendered):
    layout, _, _ = rendered
    report = production.check_nginx_config(layout)
    assert "syntax is ok" in report and "test is successful" in report


@pytest.mark.parametrize("name, expected", [
    ("localhost", CHAT_LOCATIONS),
    ("portal.localhost", PORTAL_LOCATIONS),
    ("_", HTTP_LOCATIONS),
])
def test_each_server_forwards_only_its_public_paths(rendered, name, expected):
    found = locations(servers(rendered[2])[name])
    assert set(found) == set(expected)
    for location, action in expected.items():
        assert action in found[location], (location, found[location])


def test_the_replicas_round_robin_and_socketio_sticks_to_one(rendered):
    upstreams = {header: " ".join(body.split()) for header, body in blocks(rendered[2], "upstream")}
    assert set(upstreams) == {"paligs_rasa", "paligs_rasa_sockets", "paligs_portal"}
    ports = rendered[1].rasa
    for name in ("paligs_rasa", "paligs_rasa_sockets"):
        assert [int(p) for p in re.findall(r"server 127\.0\.0\.1:(\d+);", upstreams[name])] == list(ports)
    assert "hash $remote_addr consistent;" in upstreams["paligs_rasa_sockets"]
    assert not re.search(r"\b(hash|ip_hash|sticky)\b", upstreams["paligs_rasa"])
    # a WebSocket (one connection) goes round robin; long polling (many requests) sticks
    [(_, socket_map)] = [b for b in blocks(rendered[2], "map") if b[0].split()[1] == "$paligs_socket_upstream"]
    assert " ".join(socket_map.split()) == 'default paligs_rasa; "" paligs_rasa_sockets;'

    socketio = locations(servers(rendered[2])["localhost"])[("", "/socket.io/")]
    for needed in ("proxy_set_header Upgrade $http_upgrade;", "proxy_set_header Connection $paligs_connection;",
                   "proxy_set_header Host $http_host;", "proxy_set_header X-Forwarded-For $remote_addr;"):
        assert needed in socketio


@pytest.mark.parametrize("directive", [
    "server_tokens off;",
    "client_max_body_size 64k;",
    "client_body_buffer_size 64k;",  # a webhook body (an SMS sender's number) never goes to a file
    "proxy_max_temp_file_size 0;",
    "proxy_next_upstream error timeout;",
    "ssl_protocols TLSv1.2 TLSv1.3;",
    "proxy_set_header X-Forwarded-For $remote_addr;",  # nginx's own, never a client's
])
def test_http_level_settings(rendered, directive):
    assert directive in rendered[2]


def test_the_webhooks_are_handled_like_sms(rendered):
    """Same upstream, and no location of their own changes the body limit, the timeouts, the log or the
    retries: the http level's settings hold for all three."""
    found = locations(servers(rendered[2])["localhost"])
    for path in WEBHOOKS:
        assert found[("=", path)] == "proxy_pass http://paligs_rasa;", path


def test_nothing_strips_the_telegram_secret_header(rendered):
    text = rendered[2]
    assert "proxy_pass_request_headers" not in text  # on by default: every request header is passed on
    assert "ignore_invalid_headers off" not in text and "underscores_in_headers" not in text
    assert not re.search(r"proxy_set_header\s+X-Telegram", text, re.I)
    assert re.fullmatch(r"[A-Za-z0-9-]+", TELEGRAM_SECRET_HEADER)  # a valid name nginx never drops


@pytest.mark.parametrize("operator_url", ["", "https://chat.example.org/webhooks/{}/webhook"])
def test_the_profile_tells_the_replicas_each_webhooks_public_url(run_dir, operator_url):
    """What Twilio signs and what `python -m bot telegram set-webhook` registers: nginx's own URL of each
    webhook unless the operator's settings name another."""
    ports = production.Ports(https=9443)
    profile = production.Profile(production.Layout(run_dir), ports, "127.0.0.1", "chat.localhost",
                                 "portal.localhost", "postgresql://db/x", "redis://r/0", "postgresql://db/x")
    channels = {"SMS_PUBLIC_URL": "sms", "WHATSAPP_PUBLIC_URL": "whatsapp", "TELEGRAM_PUBLIC_URL": "telegram"}
    env = {name: operator_url.format(channel) for name, channel in channels.items()}
    services = {s.name: s for s in production._services(profile, env, production.MODEL)}
    assert set(production.WEBHOOKS) == set(channels)
    for name, channel in channels.items():
        expected = operator_url.format(channel) or f"https://chat.localhost:9443/webhooks/{channel}/webhook"
        for replica in ("rasa-1", "rasa-2"):
            assert services[replica].env[name] == expected, (replica, name)
        # each is a location nginx forwards to the replicas
        assert ("=", production.WEBHOOKS[name]) in CHAT_LOCATIONS


def test_a_sent_post_is_never_retried_on_another_replica(rendered):
    assert "non_idempotent" not in rendered[2]
    for location, body in locations(servers(rendered[2])["localhost"]).items():
        if "http_502" in body:  # retried after an answer: only the chat page's GETs
            assert location[1].startswith(("/webhooks/web/chat", "^/webhooks/web/chat/static/")), location


@pytest.mark.parametrize("server", ["localhost", "portal.localhost"])
@pytest.mark.parametrize("header", SECURITY_HEADERS)
def test_security_headers_on_every_https_server(rendered, server, header):
    body = servers(rendered[2])[server]
    assert re.search(rf"^\s*add_header {header} \$paligs_\w+ always;$", body, re.M), header


def test_the_access_log_format_has_no_query_string_and_no_body(rendered):
    text = rendered[2]
    formats = re.findall(r"log_format\s+\w+((?:\s*'[^']*')+);", text)
    assert len(formats) == 1
    variables = set(re.findall(r"\$(\w+)", formats[0]))
    assert not variables & {"request", "request_uri", "args", "query_string", "request_body", "is_args",
                            "http_referer", "http_user_agent", "remote_addr", "http_x_forwarded_for"}
    assert {"paligs_path", "paligs_client_network", "status", "upstream_addr"} <= variables
    assert re.search(r"map \$request_uri \$paligs_path \{\s*~\^\(\?<path>\[\^\?\]\*\) \$path;", text)
    assert len(re.findall(r"^\s*access_log ", text, re.M)) == 1


# --- a real nginx with its upstreams down ----------------------------------------------------------


@pytest.fixture(scope="module")
def nginx(rendered) -> Iterator[Tuple[production.Layout, production.Ports]]:
    layout, ports, _ = rendered
    process = subprocess.Popen(production.nginx_command(layout, "-g", "daemon off;"),
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while not listening(ports.https) or not listening(ports.http):
            assert process.poll() is None and time.monotonic() < deadline, layout.error_log.read_text()
            time.sleep(0.1)
        yield layout, ports
    finally:
        process.terminate()
        process.wait(timeout=10)


def listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(nginx, path, host=None, method="GET", scheme="https", body=None, headers=None):
    """(status, headers, body) of one request to the running nginx."""
    layout, ports = nginx
    port = ports.https if scheme == "https" else ports.http
    context = ssl.create_default_context(cafile=str(layout.certificate))
    opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPSHandler(context=context))
    request = urllib.request.Request(f"{scheme}://127.0.0.1:{port}{path}", method=method, data=body,
                                     headers=headers or {})
    if host:
        request.add_header("Host", f"{host}:{port}")
    try:
        with opener.open(request, timeout=10) as reply:
            return reply.status, reply.headers, reply.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", "replace")


@pytest.mark.parametrize("method, path, host", [
    ("POST", "/model/parse", None),
    ("GET", "/conversations/x/tracker", None),
    ("GET", "/webhooks/rest/", None),
    ("GET", "/webhooks/web/", None),
    ("GET", "/webhooks/web/chat/static/other.js", None),
    ("GET", "/status", None),
    ("POST", "/api/intakes", None),
    ("POST", "/api/intakes", "portal.localhost"),
    ("GET", "/health", "portal.localhost"),
    ("GET", "/webhooks/web/chat", "portal.localhost"),
    ("GET", "/portal/", None),
])
def test_paths_that_are_not_public_answer_404_from_nginx(nginx, method, path, host):
    status, headers, body = fetch(nginx, path, host, method, body=b"{}" if method == "POST" else None)
    assert status == 404 and "<center>nginx</center>" in body
    assert headers["Server"] == "nginx"  # no version
    assert headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_when_no_replica_answers_the_page_shows_112_and_the_hotline_in_every_language(nginx):
    status, headers, body = fetch(nginx, "/webhooks/web/chat?lang=ru&src=down")
    assert status == 502
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-store"
    hotline = contact_book()["hotline"].phone
    assert 'href="tel:112"' in body and f'href="tel:{hotline}"' in body
    catalogs = default_catalogs()
    for language in registry().enabled:
        sentence = ui_strings(catalogs.translator(language.code))["disconnected"]
        paragraph = re.search(rf'<p lang="{language.code}" dir="{language.direction}">(.*?)</p>', body).group(1)
        # The catalog's sentence, its numbers made tap-to-call links.
        assert html.unescape(re.sub(r"<[^>]+>", "", paragraph)) == sentence
        assert 'href="tel:112"' in paragraph
    assert display_phone(hotline) in body
    assert "<script" not in body and "<style" not in body


def test_the_portal_host_is_its_own_and_forwards_the_portal(nginx):
    assert fetch(nginx, "/", "portal.localhost")[:2][0] == 302
    assert fetch(nginx, "/", "portal.localhost")[1]["Location"] == "/portal/"
    status, _, body = fetch(nginx, "/portal/", "portal.localhost")
    assert status == 502 and "<center>nginx</center>" in body  # forwarded (its upstream is down here)


def test_http_moves_to_https_with_the_query(nginx):
    layout, ports = nginx
    status, headers, _ = fetch(nginx, "/webhooks/web/chat?lang=ru&src=qr", scheme="http")
    assert status == 301
    assert headers["Location"] == f"https://127.0.0.1:{ports.https}/webhooks/web/chat?lang=ru&src=qr"
    assert fetch(nginx, "/?lang=uk")[1]["Location"] == "/webhooks/web/chat?lang=uk"
    # The short address on posters keeps the language and the campaign.
    poster = "lang=uz&src=emb-tashkent"
    assert fetch(nginx, f"/chat?{poster}")[1]["Location"] == f"/webhooks/web/chat?{poster}"


def test_the_access_log_keeps_paths_without_queries(nginx):
    layout, _ = nginx
    fetch(nginx, "/webhooks/web/chat?lang=lv&src=log-check")
    fetch(nginx, "/anything/else?phone=%2B37120000000")
    deadline = time.monotonic() + 5
    while "/anything/else" not in layout.access_log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = layout.access_log.read_text()
    assert '"GET /webhooks/web/chat" 502' in log and '"GET /anything/else" 404' in log  # positive controls
    assert "?" not in log and "lang=" not in log and "37120000000" not in log
    assert "127.0.0.1 " not in log and "127.0.0.0 [" in log  # the address cut to its network


# --- a real nginx in front of a stand-in for Rasa -----------------------------------------------------------


class StandIn(BaseHTTPRequestHandler):
    """Records each request (path, headers, body) and answers 200 with JSON, as Rasa's channels do."""

    protocol_version = "HTTP/1.1"  # nginx keeps its upstream connections alive
    received: List[Tuple[str, Dict[str, str], bytes]] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.received.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        answer = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def nginx_to_stand_in() -> Iterator[Tuple[production.Layout, production.Ports]]:
    run_dir = Path(tempfile.mkdtemp(prefix="paligs-nginx-stand-in-"))
    run_dir.chmod(0o755)
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    https, http, portal = production.free_ports(3)
    ports = production.Ports(https=https, http=http, rasa=(server.server_address[1],), actions=0, portal=portal)
    layout = production.Layout(run_dir)
    production.make_certificate(layout, ["localhost", "portal.localhost"])
    production.write_nginx_config(layout, production.nginx_values(layout, ports, "127.0.0.1", "localhost",
                                                                  "portal.localhost"))
    process = subprocess.Popen(production.nginx_command(layout, "-g", "daemon off;"),
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 10
        while not listening(ports.https):
            assert process.poll() is None and time.monotonic() < deadline, layout.error_log.read_text()
            time.sleep(0.1)
        yield layout, ports
    finally:
        process.terminate()
        process.wait(timeout=10)
        server.shutdown()
        server.server_close()
        shutil.rmtree(run_dir, ignore_errors=True)


PHONE = "+37120000123"
CHAT_ID = 987654321
TELEGRAM_SECRET = "telegram_secret-Token_0123456789abcdefABCDEF"
TWILIO_SIGNATURE = "c2lnbmF0dXJlLW9mLXR3aWxpbw=="


def webhook_request(path: str) -> Tuple[bytes, Dict[str, str]]:
    """A body and headers as each service sends them."""
    if path.endswith("/telegram/webhook"):
        update = {"update_id": 10001, "message": {"message_id": 7, "chat": {"id": CHAT_ID, "type": "private"},
                                                   "from": {"id": CHAT_ID, "first_name": "Anna"}, "text": "Sveiki"}}
        return json.dumps(update).encode(), {"Content-Type": "application/json",
                                            TELEGRAM_SECRET_HEADER: TELEGRAM_SECRET}
    sender = f"whatsapp:{PHONE}" if "/whatsapp/" in path else PHONE
    form = urllib.parse.urlencode({"MessageSid": "SM0123", "From": sender, "Body": "Sveiki"}).encode()
    return form, {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": TWILIO_SIGNATURE}


@pytest.mark.parametrize("path", WEBHOOKS)
def test_the_webhooks_reach_rasa_with_their_headers_and_bodies_as_sent(nginx_to_stand_in, path):
    StandIn.received.clear()
    body, headers = webhook_request(path)
    status, _, answer = fetch(nginx_to_stand_in, path, method="POST", body=body, headers=headers)
    assert status == 200 and json.loads(answer) == {"ok": True}
    [(forwarded_path, forwarded, forwarded_body)] = StandIn.received
    assert forwarded_path == path and forwarded_body == body
    for name, value in headers.items():
        assert forwarded[name.lower()] == value, name
    assert forwarded["x-forwarded-for"] == "127.0.0.1" and forwarded["x-forwarded-proto"] == "https"


def test_the_webhooks_bodies_and_secrets_stay_out_of_the_log(nginx_to_stand_in):
    layout, _ = nginx_to_stand_in
    for path in WEBHOOKS:
        body, headers = webhook_request(path)
        assert fetch(nginx_to_stand_in, path, method="POST", body=body, headers=headers)[0] == 200
    deadline = time.monotonic() + 5
    while "/webhooks/telegram/webhook" not in layout.access_log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    log = layout.access_log.read_text()
    for path in WEBHOOKS:  # positive controls: each request is there
        assert f'"POST {path}" 200' in log, path
    for secret in (PHONE, PHONE[1:], "20000123", str(CHAT_ID), "Anna", "Sveiki", TELEGRAM_SECRET, TWILIO_SIGNATURE):
        assert secret not in log, secret
