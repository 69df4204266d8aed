"""What a Telegram update asks of the assistant: pure reading of the Bot API's Update object.

Only the two kinds of update the webhook is registered for matter: a message (text,
or something without text such as a photo or a voice note) and a button press
(callback_query). Everything else (edits, membership changes) is acknowledged and
ignored. The chat id stays inside this object (never in repr, never logged); the
channel turns it into a keyed hash at once.

Commands: /start (optionally with a deep-link parameter "uz" or "uz-emb-tashkent":
language, then campaign), /clear and /delete erase, /menu and /help show the menu,
/language and /privacy; any other "/…" is passed on as it is, so the slash payloads
that work on every channel (/emergency, /start_screening…) work here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, Mapping, Optional

from bot.sms.keywords import DELETE, DO_NOT_ANSWER, GREET, MENU, change_language, keyword_payload
from bot.vocabulary import TELEGRAM

TEXT, BUTTON, NO_TEXT, IGNORED = "text", "button", "no_text", "ignored"
PRIVATE = "private"
MAX_TEXT_CHARS = 4096  # Telegram's own limit for a message
_COMMAND = re.compile(r"/([A-Za-z0-9_]{1,32})(?:@[A-Za-z0-9_]{1,64})?(?:\s+(.*))?", re.DOTALL)
_START_PARAMETER = re.compile(r"([a-z]{2})(?:[-_]([A-Za-z0-9_-]{1,40}))?")
COMMANDS = {
    "clear": DELETE,
    "delete": DELETE,
    "menu": MENU,
    "help": MENU,
    "language": "/change_language",
    "privacy": "/ask_privacy",
}


class MalformedUpdate(ValueError):
    """Not an Update as the Bot API sends it."""


@dataclass(frozen=True)
class Incoming:
    update_id: int
    kind: str
    chat_id: int = field(default=0, repr=False)
    private: bool = False
    message_id: Optional[int] = None  # the person's own message, which /clear deletes
    callback_id: Optional[str] = None
    text: str = field(default="", repr=False)
    language_code: Optional[str] = None


@dataclass(frozen=True)
class Turn:
    """What goes to Rasa: the text (a payload for commands and buttons) and the entry metadata."""

    text: str
    metadata: Dict[str, str] = field(default_factory=dict)

    @property
    def erases(self) -> bool:
        return self.text == DELETE


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedUpdate(f"{what} must be an integer")
    return value


def _chat(message: Any) -> Mapping[str, Any]:
    if not isinstance(message, Mapping) or not isinstance(message.get("chat"), Mapping):
        raise MalformedUpdate("message without a chat")
    return message["chat"]


def _language(sender: Any) -> Optional[str]:
    code = sender.get("language_code") if isinstance(sender, Mapping) else None
    return code.split("-")[0].lower() if isinstance(code, str) and code else None


def parse_update(update: Any) -> Incoming:
    """The update's meaning; MalformedUpdate when it is not shaped like a Bot API Update."""
    if not isinstance(update, Mapping):
        raise MalformedUpdate("an update is a JSON object")
    update_id = _int(update.get("update_id"), "update_id")
    if "message" in update:
        message = update["message"]
        chat = _chat(message)
        text = message.get("text")
        if text is not None and not isinstance(text, str):
            raise MalformedUpdate("text must be a string")
        return Incoming(
            update_id=update_id,
            kind=TEXT if text and text.strip() else NO_TEXT,
            chat_id=_int(chat.get("id"), "chat.id"),
            private=chat.get("type") == PRIVATE,
            message_id=_int(message.get("message_id"), "message_id"),
            text=(text or "")[:MAX_TEXT_CHARS],
            language_code=_language(message.get("from")),
        )
    if "callback_query" in update:
        query = update["callback_query"]
        if not isinstance(query, Mapping) or not isinstance(query.get("id"), str):
            raise MalformedUpdate("callback_query without an id")
        data = query.get("data")
        if not isinstance(data, str) or not data:
            raise MalformedUpdate("callback_query without data")
        chat = _chat(query.get("message"))
        return Incoming(
            update_id=update_id,
            kind=BUTTON,
            chat_id=_int(chat.get("id"), "chat.id"),
            private=chat.get("type") == PRIVATE,
            callback_id=query["id"],
            text=data,
            language_code=_language(query.get("from")),
        )
    return Incoming(update_id=update_id, kind=IGNORED)


def turn_for(incoming: Incoming, enabled_languages: frozenset) -> Turn:
    """What a message or a button press sends to Rasa, with the language Telegram reports
    for the person (when it is one we speak) as the entry metadata of a new conversation."""
    metadata = {"channel": TELEGRAM}
    if incoming.language_code in enabled_languages:
        metadata["lang"] = incoming.language_code
    text = incoming.text.strip()
    if incoming.kind == BUTTON:
        return Turn(text, metadata)
    if incoming.kind == NO_TEXT:  # a photo, a voice note: the menu says what I can do, in words
        return Turn(MENU, metadata)
    command = _COMMAND.fullmatch(text)
    if command:
        name, argument = command.group(1).lower(), (command.group(2) or "").strip()
        if name == "start":
            return _start(argument, metadata, enabled_languages)
        if name in COMMANDS:
            return Turn(COMMANDS[name], metadata)
        return Turn(text, metadata)
    payload = keyword_payload(text)
    # Twilio's opt-out words mean nothing here: they go to the understanding like any text.
    return Turn(payload if payload and payload != DO_NOT_ANSWER else text, metadata)


def _start(argument: str, metadata: Dict[str, str], enabled_languages: frozenset) -> Turn:
    """/start from a deep link t.me/<bot>?start=uz-emb-tashkent: that language, that campaign."""
    parameter = _START_PARAMETER.fullmatch(argument.lower())  # links get written in capitals too
    if not parameter or parameter.group(1) not in enabled_languages:
        return Turn(GREET, metadata)
    lang, source = parameter.group(1), parameter.group(2)
    metadata = {**metadata, "lang": lang, **({"src": source.lower()} if source else {})}
    return Turn(change_language(lang), metadata)
