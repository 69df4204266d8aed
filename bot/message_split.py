"""A text too long for one message of a channel, cut into several at natural boundaries.

WhatsApp through Twilio takes 1,600 characters per message, Telegram 4,096. The cut is
at the widest boundary that fits (a blank line, then a line, then a space), so a
sentence is cut only when a paragraph cannot be, and a word only when it alone is
longer than a message.
"""

from __future__ import annotations

from typing import List

_BREAKS = ("\n\n", "\n", " ")


def split_message(text: str, limit: int) -> List[str]:
    """`text` in pieces of at most `limit` characters; none for an empty text."""
    if limit < 1:
        raise ValueError("a message holds at least one character")
    text = text.strip()
    if not text:
        return []
    if len(text) <= limit:
        return [text]
    for separator in _BREAKS:
        cut = text.rfind(separator, 0, limit + 1)
        if cut > 0:
            return [text[:cut].rstrip()] + split_message(text[cut:], limit)
    return [text[:limit]] + split_message(text[limit:], limit)
