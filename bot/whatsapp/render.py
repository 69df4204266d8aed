"""One turn of bot messages as WhatsApp messages: the full texts, buttons as a numbered list.

WhatsApp is not SMS: no segments to pay for, so the web chat's full texts go out
unshortened, and every character of every script as it is. Buttons become one
numbered line each ("1. Check my situation"); the person answers with the
number, which the channel turns back into the button's payload with the same
numbering as SMS (bot.sms.render.previous_choices). Twilio takes at most 1,600
characters per message body, so a long turn is split at paragraph, then line,
then word boundaries into several messages of one TwiML answer; the numbered
list stays whole in the last one.
"""

from __future__ import annotations

from typing import Any, Iterable, List, Mapping

from bot.message_split import split_message
from bot.sms.render import last_buttons

MAX_MESSAGE_CHARS = 1600


def _plain(value: Any) -> str:
    return " ".join(str(value).split())


def options_list(messages: List[Mapping[str, Any]]) -> str:
    return "\n".join(f"{n}. {_plain(b['title'])}" for n, b in enumerate(last_buttons(messages), start=1))


def render_turn(messages: Iterable[Mapping[str, Any]], limit: int = MAX_MESSAGE_CHARS) -> List[str]:
    """The turn's texts joined by blank lines, then its last buttons as a numbered list,
    as messages of at most `limit` characters."""
    messages = list(messages)
    texts = [str(m["text"]).strip() for m in messages if m.get("text") and str(m["text"]).strip()]
    options = options_list(messages)
    parts = split_message("\n\n".join(texts), limit)
    if options:
        if parts and len(parts[-1]) + 2 + len(options) <= limit:
            parts[-1] += "\n\n" + options
        else:
            parts += split_message(options, limit)
    return parts


def bold_heading(text: str) -> str:
    """The first line in WhatsApp's bold (*line*): the heading of a contact card."""
    heading, newline, rest = text.strip().partition("\n")
    return f"*{heading.strip()}*{newline}{rest}" if heading.strip() else text
