"""Every setting, read from the environment in one place (never at import time).

.env.example documents every name and its embedded default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional


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
    quick_exit_url: str
    outbox_db_url: str
    outbox_poll_seconds: float
    twilio_auth_token: str
    sms_public_url: str
    sms_max_segments: int
    sms_rate_limit: int


def load_settings(env: Optional[Mapping[str, str]] = None) -> Settings:
    env = os.environ if env is None else env
    return Settings(
        rasa_token=env.get("RASA_TOKEN", ""),
        tracker_db_url=env.get("TRACKER_DB_URL", "sqlite:///var/tracker.db"),
        lock_store_url=env.get("LOCK_STORE_URL", ""),
        sender_key=env.get("SENDER_KEY", ""),
        intake_url=env.get("INTAKE_URL", "http://localhost:8080/api/intakes"),
        intake_secret=env.get("INTAKE_SECRET", ""),
        retention_days=int(env.get("TRACKER_RETENTION_DAYS", "30")),
        timezone=env.get("PALIGS_TIMEZONE", "Europe/Riga"),
        chat_socket_url=env.get("CHAT_SOCKET_URL", "http://localhost:5005"),
        quick_exit_url=env.get("QUICK_EXIT_URL", "https://www.google.com/search?q=weather"),
        outbox_db_url=env.get("OUTBOX_DB_URL", "sqlite:///var/outbox.db"),
        outbox_poll_seconds=float(env.get("OUTBOX_POLL_SECONDS", "5")),
        twilio_auth_token=env.get("TWILIO_AUTH_TOKEN", ""),
        sms_public_url=env.get("SMS_PUBLIC_URL", ""),
        sms_max_segments=int(env.get("SMS_MAX_SEGMENTS", "10")),
        sms_rate_limit=int(env.get("SMS_RATE_LIMIT", "20")),
    )
