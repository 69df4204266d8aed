"""Conversation ids carry their channel, so that no channel can reach another's conversations.

`web-` (ids the web chat's server issued and signed), `sms-` (a keyed hash of the number),
`rest-` (REST senders), `wa-` and `tg-` (keyed hashes of a WhatsApp number or a
Telegram chat id). A channel accepts only ids of its own
namespace: a REST request naming `sms-…` would otherwise read, change or erase the
conversation of the person behind that number.
"""

from __future__ import annotations

from typing import Optional

from bot.sms.pseudonym import PREFIX as SMS_PREFIX
from bot.vocabulary import REST, SMS, TELEGRAM, WEB, WHATSAPP

# channel -> the prefix of its conversation ids.
NAMESPACES = {WEB: "web-", SMS: SMS_PREFIX, REST: "rest-", WHATSAPP: "wa-", TELEGRAM: "tg-"}


def namespace_of(conversation_id: str) -> Optional[str]:
    """The channel whose namespace an id is in (letter case ignored), or None."""
    lowered = conversation_id.lower()
    for channel, prefix in NAMESPACES.items():
        if lowered.startswith(prefix):
            return channel
    return None


def rest_conversation_id(sender: str) -> str:
    """The conversation id of a REST sender: `rest-` + the sender unless it already starts so.

    Prefixing (rather than refusing a bare sender) keeps every integration that sends
    `"sender": "demo-1"` working, while its conversation stays in the REST namespace.
    A sender in another channel's namespace raises ValueError.
    """
    channel = namespace_of(sender)
    if channel == REST:
        return NAMESPACES[REST] + sender[len(NAMESPACES[REST]):]
    if channel is not None:
        raise ValueError(f"'sender' may not start with {NAMESPACES[channel]!r}: that is the {channel} channel's")
    return NAMESPACES[REST] + sender
