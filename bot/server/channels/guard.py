"""What the channels share for abuse limits and failures: the client's address,
the limits built from the settings, and the short texts a person reads instead
of an error (in their language, ending with the hotline): the refusal past a
limit, and "cannot answer right now" when a message could not be handled (a
store briefly down). Both are rendered from the catalogs alone, never from the
conversation, which may be what failed.

The address is what Sanic sees: behind a reverse proxy, set
SANIC_PROXIES_COUNT (or SANIC_REAL_IP_HEADER) so that it is the person's and
not the proxy's, or every person shares one address limit.
"""

from __future__ import annotations

import traceback
from functools import lru_cache
from typing import Any, Dict, Optional

from bot.contacts.book import contact_book, response_values
from bot.i18n.catalogs import default_catalogs
from bot.i18n.responses import ResponseSource, load_sources, render
from bot.language.registry import registry
from bot.paths import RESPONSES_FILE
from bot.server.limits import MessageLimits
from bot.settings import Settings, load_settings

TOO_MANY_MESSAGES = "utter_too_many_messages"
TEMPORARILY_UNAVAILABLE = "utter_temporarily_unavailable"
# Retry-After with the "cannot answer right now" text, which asks to write again in a minute.
RETRY_UNAVAILABLE_SECONDS = 60


def client_address(request: Any) -> str:
    """The address a request came from (after Sanic's proxy settings), or "unknown"."""
    return str(getattr(request, "remote_addr", "") or getattr(request, "ip", "") or "unknown")


def message_limits(settings: Settings) -> MessageLimits:
    return MessageLimits(
        per_address=max(1, settings.rate_limit_per_address),
        per_conversation=max(1, settings.rate_limit_per_conversation),
        window_seconds=max(1.0, settings.rate_limit_window_seconds),
    )


@lru_cache(maxsize=1)
def _sources() -> Dict[str, ResponseSource]:
    return load_sources(RESPONSES_FILE)


@lru_cache(maxsize=1)
def _values() -> Dict[str, str]:
    return response_values(contact_book(), load_settings().retention_days)


def notice(name: str, lang: Optional[str], channel: Optional[str]) -> str:
    """A response's text rendered from the catalogs alone, in `lang` if it is enabled,
    else in the default language."""
    language = registry().supported(lang) or registry().default
    return render(_sources()[name], language, default_catalogs(), _values(), channel)["text"]


def too_many_messages(lang: Optional[str], channel: Optional[str] = None) -> str:
    """The refusal in `lang` if it is enabled, else in the default language."""
    return notice(TOO_MANY_MESSAGES, lang, channel)


def temporarily_unavailable(lang: Optional[str], channel: Optional[str] = None) -> str:
    """What a person reads when their message could not be handled, in `lang` if it is
    enabled, else in the default language."""
    return notice(TEMPORARILY_UNAVAILABLE, lang, channel)


def error_place(error: BaseException) -> str:
    """Where an error happened, without its message (which might hold user data)."""
    frames = traceback.extract_tb(error.__traceback__)
    place = f" at {frames[-1].filename}:{frames[-1].lineno}" if frames else ""
    return type(error).__name__ + place
