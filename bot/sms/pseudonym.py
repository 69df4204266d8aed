"""Conversation ids for SMS and WhatsApp senders that never contain the phone number.

HMAC with the secret SENDER_KEY: stable per number, so a conversation goes on
across messages, but not reversible without the key (a plain hash of a phone
number is, by trying every number).
"""

from __future__ import annotations

import hashlib
import hmac
import re

PREFIX = "sms-"
WHATSAPP_PREFIX = "wa-"
# Twilio names a WhatsApp sender "whatsapp:+37120000000".
WHATSAPP_ADDRESS = "whatsapp:"
_SEPARATORS = re.compile(r"[\s\-()]")


def normalise_number(phone: str) -> str:
    """E.164 as Twilio sends it: "+371 2000-0000" and "00371 20000000" -> "+37120000000"."""
    number = _SEPARATORS.sub("", phone or "")
    if number.startswith("00"):
        number = "+" + number[2:]
    return number


def conversation_id(sender_key: str, phone: str) -> str:
    return _keyed_id(sender_key, PREFIX, "sms:", normalise_number(phone))


def whatsapp_conversation_id(sender_key: str, sender: str) -> str:
    """`wa-` + HMAC of the WhatsApp number ("whatsapp:+371..." as Twilio sends it): the same
    number on SMS and on WhatsApp is two conversations, each in its channel's namespace."""
    number = normalise_number(sender.strip().removeprefix(WHATSAPP_ADDRESS))
    return _keyed_id(sender_key, WHATSAPP_PREFIX, "whatsapp:", number)


def _keyed_id(sender_key: str, prefix: str, domain: str, number: str) -> str:
    if not sender_key:
        raise ValueError("SENDER_KEY is required: without it a number could be recovered")
    if not number:
        raise ValueError("no phone number")
    digest = hmac.new(sender_key.encode("utf-8"), (domain + number).encode("utf-8"), hashlib.sha256)
    return prefix + digest.hexdigest()[:32]


def message_key(sender_key: str, message_sid: str) -> str:
    """What the replay guard remembers of a Twilio MessageSid: its HMAC, never the sid."""
    if not sender_key:
        raise ValueError("SENDER_KEY is required")
    digest = hmac.new(sender_key.encode("utf-8"), ("twilio-message:" + message_sid).encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()
