"""The offer to continue in the language a person wrote in.

When a message is clearly in another enabled language than the conversation's
(bot/language/identify.py), the reply stays in the conversation's language and
one message more offers the switch, in both languages, current first:

    Would you like to continue in Russian? / Хотите продолжить по-русски?
    [Продолжить по-русски]  [Continue in English]

Both buttons choose a language (/change_language), so staying is a choice too
and nothing switches by itself. On SMS the offer names the language's keyword
("Send RU.") instead of buttons, so that the answer's own choices keep their
numbers.

A language is offered once while the conversation stays in one language: not
again after the person chose to stay, nor after they let the offer pass.
Pure: the Rasa server's channels (bot/server/channels/language_offer.py) give
it the tracker's events as dicts.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, Mapping, Optional, Set

from bot.i18n.catalogs import Catalogs, fill
from bot.i18n.responses import BUTTON_CONTEXT, ResponseSource, render
from bot.language.registry import IN_LANGUAGE_CONTEXT, LanguageRegistry
from bot.sms.keywords import change_language, language_keyword

OFFER = "utter_offer_language"
# The offer's bot message carries the language offered in its metadata under this key.
OFFERED = "language_offer"
LANGUAGE_SLOT = "language"


def offered_since_change(events: Iterable[Mapping[str, Any]], initial: str) -> Set[str]:
    """The languages offered since the conversation's language last changed.

    `initial` is the language before any event set it (the slot's initial value):
    choosing to stay sets the slot to the value it has, which is no change."""
    current, offered = initial, set()
    for event in events:
        kind = event.get("event")
        if kind == "slot" and event.get("name") == LANGUAGE_SLOT and event.get("value") != current:
            current, offered = event.get("value"), set()
        elif kind == "bot" and (event.get("metadata") or {}).get(OFFERED):
            offered.add(event["metadata"][OFFERED])
    return offered


def language_to_offer(
    detected: Optional[str],
    current: Optional[str],
    languages: LanguageRegistry,
    events: Iterable[Mapping[str, Any]],
) -> Optional[str]:
    """The language to offer after a turn, or None."""
    offered = languages.supported(detected)
    current = languages.supported(current) or languages.default
    if offered is None or offered == current:
        return None
    if offered in offered_since_change(events, languages.default):
        return None
    return offered


def offer_message(
    offered: str,
    current: str,
    source: ResponseSource,
    catalogs: Catalogs,
    languages: LanguageRegistry,
    channel: Optional[str] = None,
) -> Dict[str, Any]:
    """The offer as an output channel message: text (current language first) and buttons."""

    def in_language(lang: str, code: str) -> str:
        return catalogs.pgettext(lang, IN_LANGUAGE_CONTEXT, languages.get(code).in_language)

    values = {"keyword": language_keyword(offered) or offered.upper()}
    texts = [
        render(source, lang, catalogs, {**values, "in_language": in_language(lang, offered)}, channel)["text"]
        for lang in (current, offered)
    ]
    message: Dict[str, Any] = {"text": " / ".join(texts)}
    variant = source.channels.get(channel or "", source.default)
    if variant.buttons:  # its one button, rendered in each language: "Продолжить по-русски"
        title = variant.buttons[0].title
        message["buttons"] = [
            {
                "title": fill(catalogs.pgettext(lang, BUTTON_CONTEXT, title), {"in_language": in_language(lang, lang)}),
                "payload": change_language(lang),
            }
            for lang in (offered, current)
        ]
    return message
