"""docker-compose.yml as the production description, read through `docker-compose config` (Debian's
docker-compose 1.29): only nginx is public (Rasa may call out, to Telegram's Bot API), two Rasa replicas
on PostgreSQL and Redis, the channels' settings from the operator's .env, health checks and restart
policies, the hourly purge, and nginx's template variables all given. (tests/test_setup.py checks
that it validates and that a missing secret stops it.)"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from bot.tooling import production
from bot.tooling.secrets import fresh_env
from tests.test_setup import REPO, compose_config, without_settings

LONG_RUNNING = ("nginx", "rasa", "actions", "portal", "purge", "postgres", "redis")
# What an operator fills into .env for the WhatsApp and Telegram channels (python -m bot secrets makes
# TELEGRAM_SECRET_TOKEN itself).
CHANNEL_SETTINGS = {
    "TWILIO_AUTH_TOKEN": "twilio-auth-token-of-the-operator",
    "TWILIO_WHATSAPP_NUMBER": "whatsapp:+37120000000",
    "WHATSAPP_PUBLIC_URL": "https://chat.example.org/webhooks/whatsapp/webhook",
    "TELEGRAM_BOT_TOKEN": "123456789:telegram-bot-token-of-the-operator",
    "TELEGRAM_API_URL": "https://api.telegram.org",
    "TELEGRAM_PUBLIC_URL": "https://chat.example.org/webhooks/telegram/webhook",
}


@pytest.fixture(scope="module")
def compose(tmp_path_factory):
    env_file = tmp_path_factory.mktemp("compose") / ".env"
    text = fresh_env((REPO / ".env.example").read_text())
    for name, value in CHANNEL_SETTINGS.items():
        text, count = re.subn(rf"^{name}=.*$", f"{name}={value}", text, flags=re.M)
        assert count == 1, name
    env_file.write_text(text)
    operator = dict(line.split("=", 1) for line in env_file.read_text().splitlines()
                    if "=" in line and not line.startswith("#"))
    result = compose_config({**without_settings(), **operator, "PALIGS_ENV_FILE": str(env_file)})
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout), operator


def test_only_nginx_is_public(compose):
    services = compose[0]["services"]
    assert [name for name, s in services.items() if s.get("ports")] == ["nginx"]
    assert {p["target"] for p in services["nginx"]["ports"]} == {443, 80}
    assert set(services["nginx"]["networks"]) == {"public", "internal"}
    assert compose[0]["networks"]["internal"]["internal"] is True
    for name in ("actions", "postgres", "redis", "purge"):
        assert set(services[name]["networks"]) == {"internal"}, name
    assert set(services["portal"]["networks"]) == {"internal", "egress"}  # e-mail only
    assert set(services["rasa"]["networks"]) == {"internal", "egress"}  # Telegram's Bot API only
    assert services["error-page"]["network_mode"] == "none"


def test_only_internal_is_closed_and_egress_lets_rasa_call_telegram(compose):
    """`internal: true` has no route out, so a service only on it could not reach api.telegram.org;
    egress is an ordinary bridge that nobody publishes a port on."""
    config, operator = compose
    networks = config["networks"]
    assert not networks["egress"].get("internal") and not networks["public"].get("internal")
    on_egress = sorted(name for name, s in config["services"].items() if "egress" in s.get("networks", {}))
    assert on_egress == ["portal", "rasa"]
    assert not any(config["services"][name].get("ports") for name in on_egress)
    assert operator["TELEGRAM_API_URL"].startswith("https://")


@pytest.mark.parametrize("service", ["rasa", "purge"])
def test_the_channels_settings_reach_the_containers_from_the_operators_env(compose, service):
    """env_file, not the compose file's own ${...}, carries them: the replicas need all of them, the purge
    TELEGRAM_BOT_TOKEN (with it, it also clears the Telegram message ids past their window)."""
    config, operator = compose
    environment = config["services"][service]["environment"]
    names = set(CHANNEL_SETTINGS) | {"TELEGRAM_SECRET_TOKEN", "SMS_PUBLIC_URL", "TWILIO_NUMBER"}
    for name in names:
        assert environment.get(name) == operator[name], name
    assert len(operator["TELEGRAM_SECRET_TOKEN"]) >= 32  # made by python -m bot secrets
    assert operator["TELEGRAM_BOT_TOKEN"] == CHANNEL_SETTINGS["TELEGRAM_BOT_TOKEN"]  # the fixture's own


def test_two_rasa_replicas_share_postgresql_and_redis(compose):
    services, operator = compose[0]["services"], compose[1]
    rasa = services["rasa"]
    assert rasa["deploy"]["replicas"] == 2
    database = f"postgresql://paligs:{operator['POSTGRES_PASSWORD']}@postgres:5432/paligs"
    assert rasa["environment"]["TRACKER_DB_URL"] == database
    assert rasa["environment"]["LOCK_STORE_URL"] == "redis://redis:6379/0"
    assert rasa["environment"]["SANIC_PROXIES_COUNT"] == "1"
    assert int(rasa["environment"]["SQL_POOL_SIZE"]) + int(rasa["environment"]["SQL_MAX_OVERFLOW"]) <= 10
    assert "--enable-api" not in rasa["command"] and "--cors" not in rasa["command"]
    assert services["actions"]["environment"]["OUTBOX_DB_URL"] == database
    outbox = services["actions"]["environment"]
    assert int(outbox["OUTBOX_POOL_SIZE"]) + int(outbox["OUTBOX_MAX_OVERFLOW"]) <= 10  # SQLAlchemy's own: 15
    assert services["purge"]["environment"]["TRACKER_DB_URL"] == database
    assert services["postgres"]["environment"]["POSTGRES_DB"] == "paligs"
    assert "profiles" not in services["postgres"] and "profiles" not in services["redis"]


def test_health_checks_restart_policies_and_start_order(compose):
    services = compose[0]["services"]
    for name in LONG_RUNNING:
        assert services[name]["restart"] == "unless-stopped", name
        if name != "purge":
            assert services[name]["healthcheck"]["test"], name
    assert services["error-page"]["restart"] == "no"
    assert services["nginx"]["depends_on"] == {
        "rasa": {"condition": "service_healthy"},
        "portal": {"condition": "service_healthy"},
        "error-page": {"condition": "service_completed_successfully"},
    }
    assert services["rasa"]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert services["rasa"]["depends_on"]["redis"] == {"condition": "service_healthy"}


def test_the_purges_run_every_hour(compose):
    services = compose[0]["services"]
    loop = " ".join(services["purge"]["entrypoint"])
    assert "python -m bot purge" in loop and "sleep 3600" in loop
    assert services["portal"]["environment"]["PORTAL_PURGE_INTERVAL_HOURS"] == "1"


def test_nginx_gets_every_template_variable_and_reaches_the_portal_directly(compose):
    services = compose[0]["services"]
    nginx = services["nginx"]
    template = production.TEMPLATE.read_text(encoding="utf-8")
    assert set(production.placeholders(template)) == {k for k in nginx["environment"] if k.startswith("PALIGS_")}
    rendered = production.render(template, nginx["environment"])
    assert rendered.count("server rasa:5005;") == 2  # both upstreams: round robin and socket.io's
    assert "server portal:8080;" in rendered
    assert nginx["command"][:3] == ["nginx", "-c", "/etc/nginx/conf.d/paligs.conf"]
    mounts = [v["target"] if isinstance(v, dict) else v.split(":")[1] for v in nginx["volumes"]]
    assert "/etc/nginx/templates/paligs.conf.template" in mounts and "/etc/nginx/tls" in mounts
    # Intakes go to the portal on the internal network, never through nginx (which answers /api/ with 404).
    assert services["actions"]["environment"]["INTAKE_URL"] == "http://portal:8080/api/intakes"
    assert services["portal"]["environment"]["PORTAL_PUBLIC_URL"] == "https://portal.localhost"


def test_the_template_as_compose_renders_it_passes_nginx_t(compose, tmp_path):
    """nginx -t of the compose rendering, with the container's names and paths mapped onto this machine:
    service names to 127.0.0.1, the TLS and run folders to a temporary one."""
    nginx = dict(compose[0]["services"]["nginx"]["environment"])
    layout = production.Layout(tmp_path)
    production.make_certificate(layout, ["localhost", "portal.localhost"])
    ports = production.free_ports(2)
    local = {
        **nginx,
        "PALIGS_NGINX_RUN_DIR": str(layout.nginx_dir),
        "PALIGS_NGINX_ERROR_LOG": str(layout.error_log),
        "PALIGS_NGINX_ACCESS_LOG": str(layout.access_log),
        "PALIGS_NGINX_HTML_DIR": str(layout.html_dir),
        "PALIGS_HTTPS_LISTEN": f"127.0.0.1:{ports[0]}",
        "PALIGS_HTTP_LISTEN": f"127.0.0.1:{ports[1]}",
        "PALIGS_TLS_CERTIFICATE": str(layout.certificate),
        "PALIGS_TLS_CERTIFICATE_KEY": str(layout.certificate_key),
    }
    text = production.render(production.TEMPLATE.read_text(encoding="utf-8"), local)
    text = re.sub(r"\b(rasa|portal):(\d+);", r"127.0.0.1:\2;", text)
    layout.nginx_dir.mkdir(parents=True)
    layout.logs_dir.mkdir(parents=True)
    layout.nginx_conf.write_text(text)
    assert shutil.which("nginx") or shutil.which("/usr/sbin/nginx")
    result = subprocess.run(production.nginx_command(layout, "-t"), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
