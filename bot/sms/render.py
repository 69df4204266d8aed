"""One turn of bot messages as one SMS, buttons as numbers.

Rasa's own SMS rendering lists buttons as "1: title (/payload)", which leaks
payloads and costs segments. We send the titles on one numbered line and keep
the number -> payload mapping, so a reply "2" can be turned back into the
button's payload.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Dict, Iterable, List, Mapping, Optional

from bot.sms.segments import fit, gsm7_substitutes, prefer_gsm7

OPTION_SEPARATOR = "  "
NUMBER_REPLY = re.compile(r"\s*(\d{1,3})\s*[.)]?\s*")


@dataclass(frozen=True)
class SmsReply:
    text: str
    choices: Dict[str, str] = field(default_factory=dict)
    # The numbered line at the end of `text`; shortening keeps it whole.
    options: str = ""

    def fitted(self, max_segments: int) -> "SmsReply":
        """This reply in at most `max_segments` SMS, in GSM-7 when possible."""
        text = prefer_gsm7(self.text)
        options = gsm7_substitutes(self.options) if text != self.text else self.options
        if not options:
            return replace(self, text=fit(text, max_segments) if text else "")
        body = text[: len(text) - len(options)].rstrip("\n")
        suffix = ("\n" if body else "") + options
        return replace(self, text=fit(body, max_segments, suffix=suffix), options=options)


def _plain(value: Any) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def last_buttons(messages: List[Mapping[str, Any]]) -> List[Mapping[str, Any]]:
    """The buttons a number reply chooses from: the turn's last ones with a title and a
    payload, in order (WhatsApp numbers them the same way)."""
    with_buttons = [m for m in messages if m.get("buttons")]
    buttons = with_buttons[-1]["buttons"] if with_buttons else []
    return [b for b in buttons if _plain(b.get("title")) and b.get("payload")]


def render_turn(messages: Iterable[Mapping[str, Any]]) -> SmsReply:
    """The turn's texts joined by blank lines, then the last buttons as numbers."""
    messages = list(messages)
    texts = [str(m["text"]).strip() for m in messages if m.get("text") and str(m["text"]).strip()]
    body = "\n\n".join(texts)
    usable = last_buttons(messages)
    choices = {str(n): str(b["payload"]) for n, b in enumerate(usable, start=1)}
    options = OPTION_SEPARATOR.join(f"{n} {_plain(b['title'])}" for n, b in enumerate(usable, start=1))
    text = "\n".join(part for part in (body, options) if part)
    return SmsReply(text=text, choices=choices, options=options)


def is_number_reply(text: str) -> bool:
    return bool(NUMBER_REPLY.fullmatch(text or ""))


def choice_for(text: str, choices: Mapping[str, str]) -> Optional[str]:
    """The payload of the button whose number the person sent, or None.

    Any script's digits count ("२", "۲"): people answer with their own keyboard.
    """
    match = NUMBER_REPLY.fullmatch(text or "")
    return choices.get(str(int(match.group(1)))) if match else None


def last_turn(events: Iterable[Any]) -> List[Dict[str, Any]]:
    """The bot messages since the person's last message, shaped like output
    channel messages, from tracker events (Rasa Event objects or their dicts)."""
    turn: List[Dict[str, Any]] = []
    for event in reversed(list(events)):
        if isinstance(event, Mapping):
            kind, text, data = event.get("event"), event.get("text"), event.get("data")
        else:
            kind = getattr(event, "type_name", None)
            text, data = getattr(event, "text", None), getattr(event, "data", None)
        if kind == "user":
            break
        if kind == "bot":
            turn.append({"text": text, "buttons": (data or {}).get("buttons")})
    return turn[::-1]


def previous_choices(events: Iterable[Any]) -> Dict[str, str]:
    """The number -> payload mapping of the last reply the person received."""
    return render_turn(last_turn(events)).choices
