"""What every action shares: the person's language and channel, and rendering."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.contacts.book import contact_book, response_values
from bot.i18n.catalogs import Catalogs, Translator, default_catalogs, fill
from bot.i18n.responses import ResponseSource, load_sources, render
from bot.language.registry import registry
from bot.paths import RESPONSES_FILE
from bot.settings import load_settings


@lru_cache(maxsize=1)
def response_sources() -> Dict[str, ResponseSource]:
    return load_sources(RESPONSES_FILE)


@lru_cache(maxsize=1)
def fact_values() -> Dict[str, str]:
    return response_values(contact_book(), load_settings().retention_days)


def catalogs() -> Catalogs:
    return default_catalogs()


def language_of(tracker: Tracker) -> str:
    return registry().supported(tracker.get_slot("language")) or registry().default


def output_channel_of(tracker: Tracker) -> Optional[str]:
    return tracker.get_latest_input_channel()


def translator_for(tracker: Tracker) -> Translator:
    return catalogs().translator(language_of(tracker))


def rendered(
    response: str, lang: str, channel: Optional[str], values: Optional[Dict[str, str]] = None
) -> Dict[str, Any]:
    """A response as text and buttons in `lang`, for actions that adjust it before sending."""
    filled = {**fact_values(), **(values or {})}
    return render(response_sources()[response], lang, catalogs(), filled, channel)


def translated_fact(tracker: Tracker, context: str, msgid: str) -> str:
    """A text from a content file, translated and with its {placeholders} filled."""
    return fill(translator_for(tracker).pgettext(context, msgid), fact_values())


def say(
    dispatcher: CollectingDispatcher,
    response: str,
    lang: str,
    channel: Optional[str],
    values: Optional[Dict[str, str]] = None,
    **extra: Any,
) -> None:
    """Utter a response rendered in `lang` now, not from the tracker's slots.

    `values` fills placeholders that only the action knows ({position} ...)."""
    message = rendered(response, lang, channel, values)
    buttons = extra.pop("buttons", None)
    if buttons is not None:
        message["buttons"] = message.get("buttons", []) + buttons
    dispatcher.utter_message(text=message["text"], buttons=message.get("buttons", []), **extra)


def language_buttons() -> list:
    return [
        {"title": lang.native_name, "payload": f'/change_language{{"language":"{lang.code}"}}'}
        for lang in registry().enabled
    ]
