"""`python -m bot secrets`: a fresh .env with random secrets, from .env.example.

Every value named in SECRETS is replaced by a new random one and PALIGS_ENV
becomes production; everything else (URLs, limits, comments) is copied as it is,
so the printed file documents itself like the template does.
"""

from __future__ import annotations

import base64
import re
import secrets
from typing import Callable

# Secrets this project makes itself (TELEGRAM_SECRET_TOKEN too: we give it to Telegram with
# setWebhook; URL-safe characters are the ones Telegram allows). TWILIO_AUTH_TOKEN and
# TELEGRAM_BOT_TOKEN come from those services and are left for the operator to fill in.
SECRETS = ("RASA_TOKEN", "SENDER_KEY", "INTAKE_SECRET", "ACTION_SERVER_SECRET", "PORTAL_SESSION_SECRET",
           "POSTGRES_PASSWORD", "TELEGRAM_SECRET_TOKEN")
# Settings whose .env.example value suits a development machine, not production.
PRODUCTION_VALUES = {"RATE_LIMIT_PER_ADDRESS": "300", "RATE_LIMIT_PER_CONVERSATION": "30"}
# The portal's key ring: "kid:base64 of 32 bytes" (portal/settings.py parse_key_ring).
DATA_KEY = "PORTAL_DATA_KEY"
_ASSIGNMENT = re.compile(r"^(?P<name>[A-Z][A-Z0-9_]*)=(?P<value>.*)$")


def random_secret() -> str:
    return secrets.token_urlsafe(48)


def random_data_key() -> str:
    return "k1:" + base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def fresh_env(
    template: str,
    secret: Callable[[], str] = random_secret,
    data_key: Callable[[], str] = random_data_key,
) -> str:
    lines = []
    for line in template.splitlines():
        match = _ASSIGNMENT.match(line)
        name = match.group("name") if match else None
        if name in SECRETS:
            line = f"{name}={secret()}"
        elif name == DATA_KEY:
            line = f"{name}={data_key()}"
        elif name == "PALIGS_ENV":
            line = "PALIGS_ENV=production"
        elif name in PRODUCTION_VALUES:
            line = f"{name}={PRODUCTION_VALUES[name]}"
        lines.append(line)
    return "\n".join(lines) + "\n"
