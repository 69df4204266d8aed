"""Every setting, read from the environment in one place (never at import time).

.env.example documents every name and its embedded default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Iterable, List, Mapping, Optional
from urllib.parse import urlsplit, urlunsplit

DEVELOPMENT = "development"
MIN_SECRET_BYTES = 32
# The secrets each process needs; checked when it starts (require_real_secrets).
ACTION_SERVER_SECRETS = ("SENDER_KEY", "INTAKE_SECRET", "ACTION_SERVER_SECRET")
RASA_SERVER_SECRETS = ("SENDER_KEY", "ACTION_SERVER_SECRET")


class StartupRefused(RuntimeError):
    """A process refuses to start with a setting that would make it unsafe."""


class SecretsError(StartupRefused):
    """A process was asked to start with a secret anyone could know."""


def secret_problems(names: Iterable[str], env: Optional[Mapping[str, str]] = None) -> List[str]:
    """What is wrong with each named secret: empty, a `change-me` placeholder, or
    shorter than 32 bytes. Nothing is wrong on a machine with PALIGS_ENV=development
    (what `make run` and the tests use); an unset PALIGS_ENV counts as production."""
    env = os.environ if env is None else env
    if env.get("PALIGS_ENV", "").strip().lower() == DEVELOPMENT:
        return []
    problems = []
    for name in names:
        value = env.get(name, "")
        if not value.strip():
            problems.append(f"{name} is empty")
        elif "change-me" in value.lower():
            problems.append(f"{name} still holds the published change-me value")
        elif len(value.encode("utf-8")) < MIN_SECRET_BYTES:
            problems.append(f"{name} is shorter than {MIN_SECRET_BYTES} bytes")
    return problems


def require_real_secrets(names: Iterable[str], env: Optional[Mapping[str, str]] = None) -> None:
    """Refuse to start with known or weak secrets, naming each variable."""
    problems = secret_problems(names, env)
    if problems:
        raise SecretsError(
            "refusing to start: " + "; ".join(problems)
            + ". Make real ones with `python -m bot secrets` (or set PALIGS_ENV=development on a test machine)."
        )


@dataclass(frozen=True)
class Settings:
    rasa_token: str
    tracker_db_url: str
    lock_store_url: str
    sender_key: str
    intake_url: str
    intake_secret: str
    retention_days: int
    timezone: str
    chat_socket_url: str
    chat_public_url: str
    quick_exit_url: str
    outbox_db_url: str
    outbox_poll_seconds: float
    outbox_pool_size: int
    outbox_max_overflow: int
    twilio_auth_token: str
    sms_public_url: str
    sms_max_segments: int
    sms_rate_limit: int
    paligs_env: str
    action_server_secret: str
    rate_limit_window_seconds: float
    rate_limit_per_address: int
    rate_limit_per_conversation: int
    sms_rate_limit_per_address: int
    sms_replay_window_seconds: float
    twilio_whatsapp_number: str
    whatsapp_public_url: str
    telegram_bot_token: str
    telegram_secret_token: str
    telegram_api_url: str
    telegram_public_url: str
    intake_limit_per_day: int
    actions_max_body_bytes: int
    encoder_threads: int
    encoder_cache_dir: str
    funnel_url: str
    funnel_push_seconds: float
    funnel_retention_weeks: int


def load_settings(env: Optional[Mapping[str, str]] = None) -> Settings:
    env = os.environ if env is None else env
    intake_url = env.get("INTAKE_URL", "http://localhost:8080/api/intakes")
    return Settings(
        rasa_token=env.get("RASA_TOKEN", ""),
        tracker_db_url=env.get("TRACKER_DB_URL", "sqlite:///var/tracker.db"),
        lock_store_url=env.get("LOCK_STORE_URL", ""),
        sender_key=env.get("SENDER_KEY", ""),
        intake_url=intake_url,
        intake_secret=env.get("INTAKE_SECRET", ""),
        retention_days=int(env.get("TRACKER_RETENTION_DAYS", "30")),
        timezone=env.get("PALIGS_TIMEZONE", "Europe/Riga"),
        chat_socket_url=env.get("CHAT_SOCKET_URL", ""),
        # The chat as people reach it from a poster or a card: QR codes and printed links use it.
        chat_public_url=env.get("CHAT_PUBLIC_URL", "https://cilvektirdznieciba.lv/chat").rstrip("/"),
        quick_exit_url=env.get("QUICK_EXIT_URL", "https://www.google.com/search?q=weather"),
        outbox_db_url=env.get("OUTBOX_DB_URL", "sqlite:///var/outbox.db"),
        outbox_poll_seconds=float(env.get("OUTBOX_POLL_SECONDS", "5")),
        # The outbox's PostgreSQL connections per process (SQLAlchemy's own default is 5 + 10): a few
        # worker threads and the delivery loop use at most a handful at once.
        outbox_pool_size=int(env.get("OUTBOX_POOL_SIZE", "2")),
        outbox_max_overflow=int(env.get("OUTBOX_MAX_OVERFLOW", "3")),
        twilio_auth_token=env.get("TWILIO_AUTH_TOKEN", ""),
        sms_public_url=env.get("SMS_PUBLIC_URL", ""),
        sms_max_segments=int(env.get("SMS_MAX_SEGMENTS", "10")),
        sms_rate_limit=int(env.get("SMS_RATE_LIMIT", "20")),
        paligs_env=env.get("PALIGS_ENV", "production").strip().lower() or "production",
        action_server_secret=env.get("ACTION_SERVER_SECRET", ""),
        rate_limit_window_seconds=float(env.get("RATE_LIMIT_WINDOW_SECONDS", "60")),
        rate_limit_per_address=int(env.get("RATE_LIMIT_PER_ADDRESS", "300")),
        rate_limit_per_conversation=int(env.get("RATE_LIMIT_PER_CONVERSATION", "30")),
        sms_rate_limit_per_address=int(env.get("SMS_RATE_LIMIT_PER_ADDRESS", "600")),
        sms_replay_window_seconds=float(env.get("SMS_REPLAY_WINDOW_SECONDS", "86400")),
        # WhatsApp through Twilio: signed like SMS, answered in TwiML (bot/server/channels/whatsapp.py).
        twilio_whatsapp_number=env.get("TWILIO_WHATSAPP_NUMBER", ""),
        whatsapp_public_url=env.get("WHATSAPP_PUBLIC_URL", ""),
        # Telegram (bot/server/channels/telegram.py): the token is the bot's, the secret is the one
        # `python -m bot telegram set-webhook` registers and every update must carry.
        telegram_bot_token=env.get("TELEGRAM_BOT_TOKEN", ""),
        telegram_secret_token=env.get("TELEGRAM_SECRET_TOKEN", ""),
        telegram_api_url=env.get("TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/"),
        telegram_public_url=env.get("TELEGRAM_PUBLIC_URL", ""),
        intake_limit_per_day=int(env.get("INTAKE_LIMIT_PER_DAY", "3")),
        actions_max_body_bytes=int(env.get("ACTIONS_MAX_BODY_BYTES", str(2 * 1024 * 1024))),
        # One OpenMP thread when serving: two on a busy 2-core machine made p95 18x worse.
        # Training may use every core (make train sets it).
        encoder_threads=max(1, int(env.get("ENCODER_THREADS", "1"))),
        encoder_cache_dir=env.get("ENCODER_CACHE_DIR", "build/encoder-cache"),
        # The anonymous funnel counters (bot/campaigns/funnel.py): pushed by the outbox worker, by
        # default next to the intakes (…/api/intakes -> …/api/funnel), kept three years.
        funnel_url=env.get("FUNNEL_URL", "").strip() or sibling_url(intake_url, "funnel"),
        funnel_push_seconds=float(env.get("FUNNEL_PUSH_SECONDS", "300")),
        funnel_retention_weeks=int(env.get("FUNNEL_RETENTION_WEEKS", "156")),
    )


def sibling_url(url: str, name: str) -> str:
    """`url` with its last path segment replaced by `name`."""
    parts = urlsplit(url.strip())
    parent = parts.path.rstrip("/").rpartition("/")[0]
    return urlunsplit((parts.scheme, parts.netloc, f"{parent}/{name}", "", ""))
