"""The production profile on one machine, without containers.

nginx (TLS, the public paths only) in front of two Rasa replicas, the action server and the staff
portal, on the machine's PostgreSQL (tracker store, outbox) and Redis (lock store). The nginx
configuration is deploy/nginx/paligs.conf.template, the same file docker-compose.yml uses.

`scripts/run-production` (`make run-production`) runs `main`; tests and load tests start the same
processes with `running_profile`, on free ports, and everything stops when the block ends:

    with running_profile(run_dir, tracker_db_url, lock_store_url) as profile:
        requests.post(profile.url("/webhooks/rest/webhook"), json=..., verify=profile.certificate)

Only the standard library is imported here; Rasa, SQLAlchemy and redis are imported where used.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "deploy" / "nginx" / "paligs.conf.template"
MODEL = REPO / "models" / "paligs.tar.gz"
BOT_BIN = Path(sys.executable).parent
PORTAL_PYTHON = REPO / ".venv" / "portal" / "bin" / "python"
DEFAULT_RUN_DIR = REPO / "var" / "production"
# Used when TRACKER_DB_URL / LOCK_STORE_URL hold the embedded defaults (SQLite, in memory), which two
# replicas cannot share: the same machine's services as tests/support/services.py, database `paligs`.
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/paligs"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
CHAT_PATH = "/webhooks/web/chat"
# The channels' public webhooks, by the setting that names their exact outside URL (what Twilio signs,
# what `python -m bot telegram set-webhook` registers); the profile sets each to nginx's own by default.
WEBHOOKS = {
    "SMS_PUBLIC_URL": "/webhooks/sms/webhook",
    "WHATSAPP_PUBLIC_URL": "/webhooks/whatsapp/webhook",
    "TELEGRAM_PUBLIC_URL": "/webhooks/telegram/webhook",
}
PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# What each replica may hold open to PostgreSQL (Rasa's default is 50 + 100).
SQL_POOL_SIZE, SQL_MAX_OVERFLOW = "4", "4"
# Seconds a conversation's Redis lock outlives a replica that died holding it (Rasa's default is
# 60: the person's next message waited that long). A turn takes well under a second.
TICKET_LOCK_LIFETIME = "15"


class ProfileError(RuntimeError):
    """The profile cannot start; the message says what is missing and how to get it."""


# --- the nginx configuration ---------------------------------------------------------------------


def placeholders(template: str) -> List[str]:
    """The ${NAME} placeholders of a template, in order of first use."""
    return list(dict.fromkeys(PLACEHOLDER.findall(template)))


def render(template: str, values: Mapping[str, str]) -> str:
    """What envsubst makes of the template with these variables, stricter: every ${NAME} must have a
    value (a missing one is an error, not an empty string); nginx's own $variables are left alone."""
    missing = [name for name in placeholders(template) if name not in values]
    if missing:
        raise ProfileError(f"no value for {', '.join(missing)} in {TEMPLATE.name}")
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


@dataclass(frozen=True)
class Ports:
    """nginx's public ports and the internal listeners (all on 127.0.0.1)."""

    https: int = 8443
    http: int = 8081
    rasa: Tuple[int, ...] = (5005, 5006)
    actions: int = 5055
    portal: int = 8080

    @classmethod
    def free(cls, replicas: int = 2) -> "Ports":
        https, http, actions, portal, *rasa = free_ports(4 + replicas)
        return cls(https=https, http=http, rasa=tuple(rasa), actions=actions, portal=portal)


def free_ports(count: int) -> List[int]:
    """Ports free right now, all different (the sockets are held until all are chosen)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@dataclass(frozen=True)
class Layout:
    """Where the profile keeps its files: var/production/ by default, a temporary folder in tests."""

    run_dir: Path

    @property
    def nginx_dir(self) -> Path:
        return self.run_dir / "nginx"

    @property
    def nginx_conf(self) -> Path:
        return self.nginx_dir / "nginx.conf"

    @property
    def html_dir(self) -> Path:
        return self.nginx_dir / "html"

    @property
    def tls_dir(self) -> Path:
        return self.run_dir / "tls"

    @property
    def certificate(self) -> Path:
        return self.tls_dir / "fullchain.pem"

    @property
    def certificate_key(self) -> Path:
        return self.tls_dir / "privkey.pem"

    @property
    def logs_dir(self) -> Path:
        return self.run_dir / "logs"

    @property
    def access_log(self) -> Path:
        return self.logs_dir / "nginx-access.log"

    @property
    def error_log(self) -> Path:
        return self.logs_dir / "nginx-error.log"


def port_suffix(port: int) -> str:
    return "" if port == 443 else f":{port}"


def nginx_values(
    layout: Layout, ports: Ports, listen: str, server_name: str, portal_server_name: str
) -> Dict[str, str]:
    """The template's variables for this machine (docker-compose.yml sets its own)."""
    prefix = f"{listen}:" if listen else ""
    return {
        "PALIGS_NGINX_RUN_DIR": str(layout.nginx_dir),
        "PALIGS_NGINX_ERROR_LOG": str(layout.error_log),
        "PALIGS_NGINX_ACCESS_LOG": str(layout.access_log),
        "PALIGS_NGINX_HTML_DIR": str(layout.html_dir),
        "PALIGS_HTTPS_LISTEN": f"{prefix}{ports.https}",
        "PALIGS_HTTP_LISTEN": f"{prefix}{ports.http}",
        "PALIGS_HTTPS_PORT_SUFFIX": port_suffix(ports.https),
        "PALIGS_SERVER_NAME": server_name,
        "PALIGS_PORTAL_SERVER_NAME": portal_server_name,
        "PALIGS_TLS_CERTIFICATE": str(layout.certificate),
        "PALIGS_TLS_CERTIFICATE_KEY": str(layout.certificate_key),
        "PALIGS_RASA_SERVERS": " ".join(f"server 127.0.0.1:{port};" for port in ports.rasa),
        "PALIGS_PORTAL_SERVER": f"127.0.0.1:{ports.portal}",
    }


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)
    if not found:
        raise ProfileError("nginx is missing: scripts/ensure-system-packages nginx openssl (or apt-get install nginx)")
    return found


def write_nginx_config(layout: Layout, values: Mapping[str, str]) -> Path:
    """The rendered configuration, its temporary folders and the page shown when no replica answers."""
    for folder in (layout.nginx_dir, layout.html_dir, layout.logs_dir):
        folder.mkdir(parents=True, exist_ok=True)
    layout.nginx_conf.write_text(render(TEMPLATE.read_text(encoding="utf-8"), values), encoding="utf-8")
    (layout.html_dir / "unavailable.html").write_text(unavailable_page(), encoding="utf-8")
    return layout.nginx_conf


def nginx_command(layout: Layout, *arguments: str) -> List[str]:
    """nginx with everything under the run folder: its prefix, error log and configuration."""
    return [nginx_binary(), "-p", str(layout.nginx_dir), "-e", str(layout.error_log), "-c", str(layout.nginx_conf),
            *arguments]


def check_nginx_config(layout: Layout) -> str:
    """`nginx -t` on the rendered file; its report, or ProfileError with it."""
    result = subprocess.run(nginx_command(layout, "-t"), capture_output=True, text=True)
    if result.returncode != 0:
        raise ProfileError(f"nginx refuses {layout.nginx_conf}:\n{result.stderr}")
    return result.stderr


def make_certificate(layout: Layout, names: Sequence[str], days: int = 30) -> Path:
    """A self-signed certificate for these host names and 127.0.0.1, made with openssl; kept while it
    covers the same names and is valid for another day."""
    layout.tls_dir.mkdir(parents=True, exist_ok=True)
    names_file = layout.tls_dir / "names.txt"
    wanted = "\n".join(names) + "\n"
    openssl = shutil.which("openssl")
    if not openssl:
        raise ProfileError("openssl is missing: scripts/ensure-system-packages nginx openssl")
    if (
        layout.certificate.exists() and layout.certificate_key.exists() and names_file.exists()
        and names_file.read_text() == wanted
        and subprocess.run([openssl, "x509", "-checkend", "86400", "-noout", "-in", str(layout.certificate)],
                           capture_output=True).returncode == 0
    ):
        return layout.certificate
    alt_names = ",".join([f"DNS:{name}" for name in names] + ["IP:127.0.0.1"])
    old_umask = os.umask(0o077)  # the key is readable by its owner only
    try:
        subprocess.run(
            [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-days", str(days), "-subj", f"/CN={names[0]}", "-addext", f"subjectAltName={alt_names}",
             "-keyout", str(layout.certificate_key), "-out", str(layout.certificate)],
            check=True, capture_output=True,
        )
    finally:
        os.umask(old_umask)
    layout.certificate.chmod(0o644)
    names_file.write_text(wanted)
    return layout.certificate


def unavailable_page() -> str:
    """The page nginx shows when no Rasa replica answers: 112 and the hotline, and the web chat's own
    "connection lost" sentence in every enabled language, from the catalogs (nothing new to translate).
    It retries every 30 s, which is what the sentence says. No script, no style (nginx's strict CSP)."""
    from bot.contacts.book import contact_book, display_phone
    from bot.i18n.catalogs import default_catalogs
    from bot.language.registry import registry
    from bot.web.page import ui_strings

    book, languages, catalogs = contact_book(), registry(), default_catalogs()
    numbers = {display_phone(book[cid].phone): book[cid].phone for cid in ("emergency", "hotline")}
    shown = re.compile("|".join(re.escape(html.escape(n)) for n in sorted(numbers, key=len, reverse=True)))

    def call(display: str) -> str:
        return f'<a href="tel:{numbers[display]}" dir="ltr">{html.escape(display)}</a>'

    def linked(text: str) -> str:
        return shown.sub(lambda match: call(html.unescape(match.group())), html.escape(text))

    order = [languages.get(languages.default)] + [lang for lang in languages.enabled if lang.code != languages.default]
    paragraphs = []
    for language in order:
        strings = ui_strings(catalogs.translator(language.code))
        paragraphs.append(f'<p lang="{language.code}" dir="{strings["dir"]}">{linked(strings["disconnected"])}</p>')
    title = html.escape(ui_strings(catalogs.translator(languages.default))["page_title"])
    first = " · ".join(f"<strong>{call(display)}</strong>" for display in numbers)
    return "\n".join([
        "<!doctype html>",
        f'<html lang="{languages.default}">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta http-equiv="refresh" content="30"><title>{title}</title></head>',
        "<body>",
        f"<p>{first}</p>",
        *paragraphs,
        "</body>",
        "</html>",
        "",
    ])


# --- the machine's PostgreSQL and Redis ----------------------------------------------------------


def is_postgres(url: str) -> bool:
    return url.startswith(("postgresql://", "postgresql+", "postgres://"))


def ensure_postgres_database(url: str) -> bool:
    """Create the URL's database when it is missing (connecting to `postgres` as the same user).
    True when it was created."""
    import sqlalchemy as sa

    parsed = sa.engine.make_url(url)
    name = parsed.database or ""
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise ProfileError(f"database name {name!r}: letters, digits and _ only")
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            if connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
                return False
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            return True
    except sa.exc.OperationalError as error:
        raise ProfileError(
            f"PostgreSQL is needed at {parsed.render_as_string(hide_password=True)}: {error.orig}".strip()
        ) from error
    finally:
        admin.dispose()


def require_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        raise ProfileError(f"Redis is needed at {url} (LOCK_STORE_URL): {error}") from error


# --- the processes -------------------------------------------------------------------------------


@dataclass
class Service:
    """One process of the profile: how to start it, where it logs, when it is up."""

    name: str
    command: List[str]
    env: Dict[str, str]
    log: Path
    health_url: str
    process: Optional[subprocess.Popen] = None

    def start(self) -> None:
        with self.log.open("a") as log:
            # A session of its own: Ctrl-C reaches only the profile, which stops the processes in order.
            self.process = subprocess.Popen(self.command, cwd=REPO, env=self.env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, kill: bool = False) -> None:
        """SIGTERM (or SIGKILL, as a crash would) and wait."""
        if not self.running():
            return
        if kill:
            self.process.kill()
        else:
            self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def output(self) -> str:
        return self.log.read_text("utf-8", "replace") if self.log.exists() else ""


@dataclass
class Profile:
    """A running production profile."""

    layout: Layout
    ports: Ports
    listen: str
    server_name: str
    portal_server_name: str
    tracker_db_url: str
    lock_store_url: str
    outbox_db_url: str
    services: Dict[str, Service] = field(default_factory=dict)

    @property
    def certificate(self) -> Path:
        """The self-signed certificate: `verify=` for requests, `cafile=` for ssl."""
        return self.layout.certificate

    @property
    def public_url(self) -> str:
        return f"https://{self.server_name}{port_suffix(self.ports.https)}"

    @property
    def portal_url(self) -> str:
        return f"https://{self.portal_server_name}{port_suffix(self.ports.https)}/portal"

    @property
    def chat_url(self) -> str:
        return self.public_url + CHAT_PATH

    @property
    def address(self) -> str:
        """The address nginx listens on, for clients on this machine (the certificate names 127.0.0.1)."""
        return "127.0.0.1" if self.listen in ("", "0.0.0.0", "*") else self.listen

    def url(self, path: str = "", scheme: str = "https") -> str:
        """A URL through nginx by address; send `Host: <portal_server_name>` to reach the portal."""
        port = self.ports.https if scheme == "https" else self.ports.http
        return f"{scheme}://{self.address}:{port}{path}"

    @property
    def replicas(self) -> List[str]:
        return [name for name in self.services if name.startswith("rasa-")]

    def log(self, name: str) -> str:
        """A process's output so far: 'rasa-1', 'rasa-2', 'actions', 'portal', 'nginx'."""
        return self.services[name].output()

    def access_log(self) -> str:
        return self.layout.access_log.read_text("utf-8", "replace") if self.layout.access_log.exists() else ""

    def stop(self, name: str, kill: bool = False) -> None:
        """Stop one process (fault tests); `kill=True` is SIGKILL, like a crash."""
        self.services[name].stop(kill=kill)

    def start(self, name: str, timeout: float = 300) -> None:
        """Start a stopped process again and wait until it answers."""
        service = self.services[name]
        service.start()
        wait_until_up(service, timeout)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


def wait_until_up(service: Service, timeout: float, context: Optional[ssl.SSLContext] = None) -> None:
    """Until the service's health URL answers below 500; ProfileError with its log if it exits or
    does not come up in time."""
    deadline = time.monotonic() + timeout
    opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPSHandler(context=context))
    while time.monotonic() < deadline:
        if not service.running():
            raise ProfileError(f"{service.name} exited early:\n{service.output()[-4000:]}")
        try:
            with opener.open(service.health_url, timeout=3):
                return
        except urllib.error.HTTPError as error:
            if error.code < 500:
                return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise ProfileError(f"{service.name} did not come up at {service.health_url}:\n{service.output()[-4000:]}")


def _services(profile: Profile, env: Mapping[str, str], model: Path) -> List[Service]:
    """The processes in the order they start: the portal, the action server, the replicas, nginx."""
    ports, layout = profile.ports, profile.layout
    logs = layout.logs_dir
    common = {
        **env,
        "PYTHONPATH": str(REPO),
        "RASA_TELEMETRY_ENABLED": "false",
        "OMP_NUM_THREADS": "1",  # the sentence encoder serves on one thread
        "ENCODER_THREADS": "1",
        "TRACKER_DB_URL": profile.tracker_db_url,
        "LOCK_STORE_URL": profile.lock_store_url,
        "OUTBOX_DB_URL": profile.outbox_db_url,
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{ports.actions}/webhook",
        # Straight to the portal on the internal listener, never through nginx (which hides /api/).
        "INTAKE_URL": f"http://127.0.0.1:{ports.portal}/api/intakes",
        "CHAT_SOCKET_URL": "",  # the page's own origin, through nginx
        **{name: env.get(name) or profile.public_url + path for name, path in WEBHOOKS.items()},
    }
    portal_env = {
        **env,
        "PORTAL_PUBLIC_URL": f"https://{profile.portal_server_name}{port_suffix(ports.https)}",
        "SANIC_PROXIES_COUNT": "1",  # the client address nginx passes (login throttling)
    }
    portal_env.pop("PYTHONPATH", None)
    rasa_env = {
        **common,
        "SANIC_PROXIES_COUNT": "1",  # per-address limits count the person's address, not nginx's
        "SQL_POOL_SIZE": env.get("SQL_POOL_SIZE", SQL_POOL_SIZE),
        "SQL_MAX_OVERFLOW": env.get("SQL_MAX_OVERFLOW", SQL_MAX_OVERFLOW),
        "TICKET_LOCK_LIFETIME": env.get("TICKET_LOCK_LIFETIME", TICKET_LOCK_LIFETIME),
    }
    services = [
        Service("portal", [str(PORTAL_PYTHON), "-m", "portal", "serve", "--host", "127.0.0.1",
                           "--port", str(ports.portal)],
                portal_env, logs / "portal.log", f"http://127.0.0.1:{ports.portal}/health"),
        Service("actions", [str(BOT_BIN / "python"), "-m", "bot", "serve-actions", "--host", "127.0.0.1",
                            "--port", str(ports.actions)],
                common, logs / "actions.log", f"http://127.0.0.1:{ports.actions}/health"),
    ]
    for number, port in enumerate(ports.rasa, start=1):
        # Public channels only: no --enable-api, no --cors (the page and its socket.io share nginx's origin).
        services.append(Service(
            f"rasa-{number}",
            [str(BOT_BIN / "rasa"), "run", "--interface", "127.0.0.1", "--port", str(port), "--model", str(model),
             "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
            rasa_env, logs / f"rasa-{number}.log", f"http://127.0.0.1:{port}/",
        ))
    services.append(Service("nginx", nginx_command(layout, "-g", "daemon off;"), dict(env),
                            logs / "nginx.log", profile.url("/")))
    return services


@contextmanager
def running_profile(
    run_dir: Path,
    tracker_db_url: str,
    lock_store_url: str,
    *,
    outbox_db_url: Optional[str] = None,
    ports: Optional[Ports] = None,
    listen: str = "127.0.0.1",
    server_name: str = "localhost",
    portal_server_name: str = "portal.localhost",
    env: Optional[Mapping[str, str]] = None,
    model: Path = MODEL,
    startup_seconds: float = 300,
) -> Iterator[Profile]:
    """Start the whole profile and stop it when the block ends.

    `tracker_db_url`: PostgreSQL (its database must exist: ensure_postgres_database); `lock_store_url`:
    Redis; the outbox shares the tracker's database unless `outbox_db_url` says otherwise. `ports`:
    None picks free ones (one Rasa replica per entry of Ports.rasa); `env`: the settings (default:
    this process's environment, e.g. .env.example's); the portal's database is its PORTAL_DB_URL.
    When nginx starts as root its workers run as nobody, so `run_dir` must be readable by others.
    """
    if not model.exists():
        raise ProfileError(f"{model} is missing: run `make train`")
    if not PORTAL_PYTHON.exists():
        raise ProfileError(f"{PORTAL_PYTHON} is missing: run `make portal-setup`")
    layout = Layout(Path(run_dir).resolve())
    ports = ports or Ports.free()
    profile = Profile(layout, ports, listen, server_name, portal_server_name, tracker_db_url, lock_store_url,
                      outbox_db_url or tracker_db_url)
    make_certificate(layout, [server_name, portal_server_name])
    write_nginx_config(layout, nginx_values(layout, ports, listen, server_name, portal_server_name))
    check_nginx_config(layout)
    context = ssl.create_default_context(cafile=str(layout.certificate))
    with ExitStack() as stack:
        for service in _services(profile, dict(os.environ if env is None else env), model):
            profile.services[service.name] = service
            service.log.parent.mkdir(parents=True, exist_ok=True)
            service.log.write_text("")  # this run's output only
            service.start()
            # The last started stops first: nginx, the replicas, the action server, the portal.
            stack.callback(service.stop)
        for service in profile.services.values():
            wait_until_up(service, startup_seconds, context)
        yield profile


# --- make run-production ------------------------------------------------------------------------


def production_stores(env: Mapping[str, str], database_url: str = "", redis_url: str = "") -> Tuple[str, str, str]:
    """(tracker, lock store, outbox) URLs: the settings when they name PostgreSQL and Redis, else the
    machine's services (DEFAULT_DATABASE_URL, DEFAULT_REDIS_URL); the outbox follows the tracker."""
    tracker = database_url or (env.get("TRACKER_DB_URL", "") if is_postgres(env.get("TRACKER_DB_URL", "")) else "")
    tracker = tracker or DEFAULT_DATABASE_URL
    lock = redis_url or env.get("LOCK_STORE_URL", "") or DEFAULT_REDIS_URL
    outbox = env.get("OUTBOX_DB_URL", "")
    return tracker, lock, outbox if is_postgres(outbox) else tracker


def _hide_password(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@/]*@", r"//\1:***@", url)


def _arguments(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scripts/run-production", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="start the profile, print its URLs, Ctrl-C stops it")
    defaults = Ports()
    run.add_argument("--https-port", type=int, default=defaults.https)
    run.add_argument("--http-port", type=int, default=defaults.http, help="redirects to HTTPS")
    run.add_argument("--listen", default="127.0.0.1", help="nginx's address; 0.0.0.0 to be reachable from outside")
    run.add_argument("--rasa-ports", default=",".join(map(str, defaults.rasa)),
                     help="one Rasa replica per port, comma-separated (internal, 127.0.0.1)")
    run.add_argument("--actions-port", type=int, default=defaults.actions)
    run.add_argument("--portal-port", type=int, default=defaults.portal)
    run.add_argument("--server-name", default="localhost", help="the chat's host name")
    run.add_argument("--portal-server-name", default="portal.localhost", help="the staff portal's host name")
    run.add_argument("--database-url", default="", help=f"PostgreSQL (default: TRACKER_DB_URL if it is "
                                                        f"postgresql://, else {DEFAULT_DATABASE_URL})")
    run.add_argument("--redis-url", default="", help=f"default: LOCK_STORE_URL, else {DEFAULT_REDIS_URL}")
    run.add_argument("--run-dir", type=Path, default=DEFAULT_RUN_DIR)
    page = commands.add_parser("error-page", help="write the page nginx shows when no replica answers")
    page.add_argument("out", type=Path)
    certificate = commands.add_parser(
        "certificate", help="make a self-signed certificate (for trying docker-compose.yml out)")
    certificate.add_argument("--names", default="localhost,portal.localhost", help="host names, comma-separated")
    certificate.add_argument("--run-dir", type=Path, default=DEFAULT_RUN_DIR, help="written to <run-dir>/tls/")
    return parser.parse_args(argv)


def _run(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    tracker, lock, outbox = production_stores(env, args.database_url, args.redis_url)
    if ensure_postgres_database(tracker):
        print(f"created the database {_hide_password(tracker)}")
    require_redis(lock)
    ports = Ports(https=args.https_port, http=args.http_port, actions=args.actions_port, portal=args.portal_port,
                  rasa=tuple(int(p) for p in args.rasa_ports.split(",") if p.strip()))
    purge_env = {**env, "TRACKER_DB_URL": tracker, "OUTBOX_DB_URL": outbox}
    subprocess.run([str(BOT_BIN / "python"), "-m", "bot", "purge"], cwd=REPO, env=purge_env, check=True)
    print(f"starting nginx, {len(ports.rasa)} Rasa replicas, the action server and the portal "
          f"(logs: {args.run_dir / 'logs'}) …", flush=True)
    def stop(*_: object) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C does not cut the stopping short
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        raise KeyboardInterrupt

    # Ctrl-C and `kill` alike stop the processes in order, also while they start (and also when a
    # parent shell started this in the background, where SIGINT would be ignored).
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        with running_profile(args.run_dir, tracker, lock, outbox_db_url=outbox, ports=ports, listen=args.listen,
                             server_name=args.server_name, portal_server_name=args.portal_server_name,
                             env=env) as profile:
            rasa = ", ".join(f"127.0.0.1:{port}" for port in ports.rasa)
            print(f"""
Palīgs is running (production profile):
  web chat       {profile.chat_url}
                 (add ?lang=ru&src=test for a language and a campaign tag)
  REST           {profile.public_url}/webhooks/rest/webhook
  SMS webhook    {profile.public_url}{WEBHOOKS["SMS_PUBLIC_URL"]}
  WhatsApp       {profile.public_url}{WEBHOOKS["WHATSAPP_PUBLIC_URL"]}
  Telegram       {profile.public_url}{WEBHOOKS["TELEGRAM_PUBLIC_URL"]}
                 (registered with Telegram by `python -m bot telegram set-webhook`)
  staff portal   {profile.portal_url}   (users: .venv/portal/bin/python -m portal users add --help)
  http           http://{profile.server_name}:{ports.http}/ redirects to https
  certificate    {profile.certificate} (self-signed: the browser asks once)
  internal       rasa {rasa}; actions 127.0.0.1:{ports.actions}; portal 127.0.0.1:{ports.portal}
  stores         {_hide_password(tracker)}, {_hide_password(lock)}
  logs           {profile.layout.logs_dir}/
Press Ctrl-C to stop.""", flush=True)
            while True:
                ended = [s.name for s in profile.services.values() if not s.running()]
                if ended:
                    print(f"{', '.join(ended)} stopped; stopping the rest (see {profile.layout.logs_dir}/)")
                    return 1
                time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        print("\nstopped.")
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _arguments(argv)
    try:
        if args.command == "error-page":
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(unavailable_page(), encoding="utf-8")
            print(f"wrote {args.out}")
            return 0
        if args.command == "certificate":
            names = [name.strip() for name in args.names.split(",") if name.strip()]
            print(f"wrote {make_certificate(Layout(args.run_dir), names)} and its key")
            return 0
        return _run(args)
    except ProfileError as error:
        print(f"run-production: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
