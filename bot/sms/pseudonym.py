"""Conversation ids for SMS senders that never contain the phone number.

HMAC with the secret SENDER_KEY: stable per number, so a conversation goes on
across messages, but not reversible without the key (a plain hash of a phone
number is, by trying every number).
"""

from __future__ import annotations

import hashlib
import hmac
import re

PREFIX = "sms-"
_SEPARATORS = re.compile(r"[\s\-()]")


def normalise_number(phone: str) -> str:
    """E.164 as Twilio sends it: "+371 2000-0000" and "00371 20000000" -> "+37120000000"."""
    number = _SEPARATORS.sub("", phone or "")
    if number.startswith("00"):
        number = "+" + number[2:]
    return number


def conversation_id(sender_key: str, phone: str) -> str:
    if not sender_key:
        raise ValueError("SENDER_KEY is required: without it a number could be recovered")
    number = normalise_number(phone)
    if not number:
        raise ValueError("no phone number")
    digest = hmac.new(sender_key.encode("utf-8"), ("sms:" + number).encode("utf-8"), hashlib.sha256)
    return PREFIX + digest.hexdigest()[:32]


def message_key(sender_key: str, message_sid: str) -> str:
    """What the replay guard remembers of a Twilio MessageSid: its HMAC, never the sid."""
    if not sender_key:
        raise ValueError("SENDER_KEY is required")
    digest = hmac.new(sender_key.encode("utf-8"), ("twilio-message:" + message_sid).encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()
