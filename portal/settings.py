"""Every setting of the intake service, read from the environment in one place.

`Settings.from_env()` is called by the CLI and the app factory, never at import
time, so tests build their own settings from a plain dict.
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

from portal.vocabulary import PROVIDERS

REPO = Path(__file__).resolve().parents[1]
INDICATORS_FILE = REPO / "bot" / "data" / "content" / "indicators.yml"
CAMPAIGNS_FILE = REPO / "bot" / "data" / "content" / "campaigns.yml"
POSTERS_DIR = REPO / "build" / "posters"
log = logging.getLogger("portal.settings")

DEFAULT_DB_URL = "sqlite+aiosqlite:///var/portal.db"
DEVELOPMENT = "development"
MIN_SECRET_BYTES = 32
# What `serve` needs real values of outside development (the assistant's own rule, bot/settings.py).
SERVE_SECRETS = ("INTAKE_SECRET", "PORTAL_SESSION_SECRET", "PORTAL_DATA_KEY")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


def is_development(env: Mapping[str, str]) -> bool:
    """PALIGS_ENV=development (what `make run` and the tests set); unset counts as production."""
    return env.get("PALIGS_ENV", "").strip().lower() == DEVELOPMENT


def secret_problems(names: Iterable[str], env: Mapping[str, str] | None = None) -> list[str]:
    """What is wrong with each named secret: empty, a `change-me` placeholder, or
    shorter than 32 bytes. Nothing is wrong with PALIGS_ENV=development."""
    env = os.environ if env is None else env
    if is_development(env):
        return []
    problems = []
    for name in names:
        value = env.get(name, "")
        if not value.strip():
            problems.append(f"{name} is empty")
        elif "change-me" in value.lower():
            problems.append(f"{name} still holds the published change-me value")
        elif len(value.strip().encode("utf-8")) < MIN_SECRET_BYTES:
            problems.append(f"{name} is shorter than {MIN_SECRET_BYTES} bytes")
    return problems


def require_real_secrets(names: Iterable[str], env: Mapping[str, str] | None = None) -> None:
    """Refuse to start with known or weak secrets, naming each variable."""
    problems = secret_problems(names, env)
    if problems:
        raise SettingsError(
            "refusing to start: " + "; ".join(problems)
            + ". Make real ones (python -m portal keys new for PORTAL_DATA_KEY; 32+ random bytes for the others),"
            " or set PALIGS_ENV=development on a test machine."
        )


def normalise_db_url(url: str) -> str:
    """Accept the usual URL spellings and pick the async driver SQLAlchemy needs."""
    url = url.strip()
    for prefix in ("postgresql+asyncpg://", "sqlite+aiosqlite://"):
        if url.startswith(prefix):
            return url
    for prefix in ("postgres://", "postgresql://", "postgresql+psycopg2://", "postgresql+psycopg://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix):]
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url[len("sqlite://"):]
    raise SettingsError(f"PORTAL_DB_URL: expected sqlite:// or postgresql://, got {url.split(':', 1)[0]}://")


def parse_key_ring(text: str) -> list[tuple[str, bytes]]:
    """`kid1:base64,kid2:base64` (first is current) or a single base64 key (kid "k1")."""
    ring: list[tuple[str, bytes]] = []
    for index, item in enumerate(part.strip() for part in text.split(",") if part.strip()):
        kid, _, encoded = item.rpartition(":") if ":" in item else ("", "", item)
        kid = kid or f"k{index + 1}"
        if not kid.replace("-", "").replace("_", "").isalnum() or len(kid) > 32:
            raise SettingsError(f"PORTAL_DATA_KEY: key id {kid!r} must be letters, digits, - or _")
        try:
            key = base64.b64decode(encoded, validate=True)
        except ValueError:
            raise SettingsError(f"PORTAL_DATA_KEY: key {kid!r} is not valid base64") from None
        if len(key) != 32:
            raise SettingsError(f"PORTAL_DATA_KEY: key {kid!r} must be 32 bytes, got {len(key)}")
        if any(kid == known for known, _ in ring):
            raise SettingsError(f"PORTAL_DATA_KEY: key id {kid!r} appears twice")
        ring.append((kid, key))
    if not ring:
        raise SettingsError("PORTAL_DATA_KEY is empty")
    return ring


def new_key_entry(kid: str) -> str:
    return f"{kid}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


def _local_secret(path: Path, make: Callable[[], str], what: str) -> str:
    """Embedded mode only: a secret generated once into var/ (mode 0600), with a warning."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(make() + "\n")
        log.warning("%s is not set: generated a local one in %s (set it in production)", what, path)
    return path.read_text().strip()


def provider_email_variable(provider: str) -> str:
    """PROVIDER_EMAIL_MARTA, PROVIDER_EMAIL_DROSA_MAJA: where a provider's new-intake e-mail goes."""
    return f"PROVIDER_EMAIL_{provider.upper()}"


def _bool(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off", ""):
        return False
    raise SettingsError(f"{name}: expected true or false, got {value!r}")


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}: expected a whole number, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name}: must be at least {minimum}")
    return value


@dataclass(frozen=True)
class Settings:
    db_url: str
    data_keys: list[tuple[str, bytes]] = field(repr=False)
    session_secret: bytes = field(repr=False)
    intake_secret: bytes = field(repr=False)
    smtp_url: str = ""
    smtp_from: str = "Palīgs <no-reply@localhost>"
    provider_emails: dict[str, str] = field(default_factory=dict)
    public_url: str = "http://localhost:8080"
    contact_retention_days: int = 30
    closed_retention_days: int = 180
    idle_minutes: int = 30
    session_hours: int = 12
    max_body_bytes: int = 64 * 1024
    max_clock_skew_seconds: int = 300
    cookie_secure: bool = True
    purge_interval_hours: int = 24
    indicators_path: Path = INDICATORS_FILE
    campaigns_path: Path = CAMPAIGNS_FILE
    posters_dir: Path = POSTERS_DIR
    funnel_retention_weeks: int = 156
    login_max_failures: int = 5
    login_window_minutes: int = 15
    login_delay_seconds: int = 2
    login_max_delay_seconds: int = 300
    enrol_hours: int = 72
    development: bool = False
    migrate_on_start: bool = True

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        var = Path(env.get("PORTAL_VAR_DIR", "") or REPO / "var")
        development = is_development(env)

        data_key = env.get("PORTAL_DATA_KEY", "").strip()
        session_secret = env.get("PORTAL_SESSION_SECRET", "").strip()
        if development:
            # Embedded mode only: generated once into var/. Never in production, where the
            # key would sit in the same volume as the database it protects.
            data_key = data_key or _local_secret(
                var / "portal-data.key", lambda: new_key_entry("local1"), "PORTAL_DATA_KEY")
            session_secret = session_secret or _local_secret(
                var / "portal-session.key", lambda: secrets.token_urlsafe(32), "PORTAL_SESSION_SECRET")
        elif not data_key:
            raise SettingsError("PORTAL_DATA_KEY is required outside development (python -m portal keys new)")
        # INTAKE_SECRET and PORTAL_SESSION_SECRET may be empty for CLI work; `serve` refuses to start without them.
        intake_secret = env.get("INTAKE_SECRET", "").strip()
        if session_secret and len(session_secret) < 16:
            raise SettingsError("PORTAL_SESSION_SECRET must be at least 16 characters")
        indicators = env.get("PORTAL_INDICATORS_FILE", "").strip()
        campaigns = env.get("PORTAL_CAMPAIGNS_FILE", "").strip()
        posters = env.get("PORTAL_POSTERS_DIR", "").strip()
        return cls(
            db_url=normalise_db_url(env.get("PORTAL_DB_URL", "").strip() or DEFAULT_DB_URL),
            data_keys=parse_key_ring(data_key),
            session_secret=session_secret.encode(),
            intake_secret=intake_secret.encode(),
            smtp_url=env.get("SMTP_URL", "").strip(),
            smtp_from=env.get("PORTAL_MAIL_FROM", "").strip() or "Palīgs <no-reply@localhost>",
            provider_emails={
                provider: address
                for provider in PROVIDERS
                if (address := env.get(provider_email_variable(provider), "").strip())
            },
            public_url=(env.get("PORTAL_PUBLIC_URL", "").strip() or "http://localhost:8080").rstrip("/"),
            contact_retention_days=_int(env, "PORTAL_CONTACT_RETENTION_DAYS", 30, 1),
            closed_retention_days=_int(env, "PORTAL_CLOSED_RETENTION_DAYS", 180, 1),
            idle_minutes=_int(env, "PORTAL_IDLE_MINUTES", 30, 1),
            session_hours=_int(env, "PORTAL_SESSION_HOURS", 12, 1),
            max_body_bytes=_int(env, "PORTAL_MAX_BODY_BYTES", 64 * 1024, 1024),
            cookie_secure=_bool(env.get("PORTAL_COOKIE_SECURE", "true"), "PORTAL_COOKIE_SECURE"),
            purge_interval_hours=_int(env, "PORTAL_PURGE_INTERVAL_HOURS", 24, 0),
            indicators_path=Path(indicators) if indicators else INDICATORS_FILE,
            campaigns_path=Path(campaigns) if campaigns else CAMPAIGNS_FILE,
            posters_dir=Path(posters) if posters else POSTERS_DIR,
            funnel_retention_weeks=_int(env, "PORTAL_FUNNEL_RETENTION_WEEKS", 156, 1),
            login_max_failures=_int(env, "PORTAL_LOGIN_MAX_FAILURES", 5, 1),
            login_delay_seconds=_int(env, "PORTAL_LOGIN_DELAY_SECONDS", 2, 1),
            login_max_delay_seconds=_int(env, "PORTAL_LOGIN_MAX_DELAY_SECONDS", 300, 1),
            enrol_hours=_int(env, "PORTAL_ENROL_HOURS", 72, 1),
            development=development,
            migrate_on_start=_bool(env.get("PORTAL_MIGRATE_ON_START", "true"), "PORTAL_MIGRATE_ON_START"),
        )
