"""`python -m bot telegram set-webhook`: tell Telegram where to send updates, and with which secret.

Telegram then sends TELEGRAM_SECRET_TOKEN in X-Telegram-Bot-Api-Secret-Token with every
update, and the channel refuses any request without it. Only messages and button
presses are asked for.
"""

from __future__ import annotations

import re

from bot.settings import Settings
from bot.telegram.api import ALLOWED_UPDATES, BotApi, BotApiError

WEBHOOK_PATH = "/webhooks/telegram/webhook"
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def problems(settings: Settings, url: str) -> list:
    found = []
    if not settings.telegram_bot_token.strip():
        found.append("TELEGRAM_BOT_TOKEN is empty (the token @BotFather gave)")
    if not SECRET_PATTERN.fullmatch(settings.telegram_secret_token.strip()):
        found.append("TELEGRAM_SECRET_TOKEN must be 1-256 characters of A-Z a-z 0-9 _ - (python -m bot secrets)")
    if not url.startswith("https://"):
        found.append("the webhook URL must start with https:// (TELEGRAM_PUBLIC_URL or --url)")
    elif not url.rstrip("/").endswith(WEBHOOK_PATH):
        found.append(f"the webhook URL must end with {WEBHOOK_PATH}")
    return found


async def register_webhook(settings: Settings, url: str = "") -> int:
    url = (url or settings.telegram_public_url).strip()
    wrong = problems(settings, url)
    for problem in wrong:
        print(problem)
    if wrong:
        return 2
    api = BotApi(settings.telegram_api_url, settings.telegram_bot_token.strip())
    try:
        await api.set_webhook(url, settings.telegram_secret_token.strip(), ALLOWED_UPDATES)
    except BotApiError as error:
        print(f"Telegram refused the webhook: {error.status} {error.description}")
        return 1
    finally:
        await api.close()
    print(f"webhook set: {url} (updates: {', '.join(ALLOWED_UPDATES)}; secret token registered)")
    return 0
