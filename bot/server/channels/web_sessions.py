"""Web chat session ids that only the server can make.

A session id is the web chat's conversation id and the name of the socket.io room
its replies go to. The server issues it (`web-` + 128 random bits + an HMAC tag of
them) and accepts back only ids carrying a valid tag, so a client cannot name a
conversation it was not given: not another channel's (`sms-…`), not one it made up.
The tag's key is derived from SENDER_KEY, so ids stay valid across restarts and
across Rasa instances that share the secret, and nothing needs to be stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from bot.server.channels.conversation_ids import NAMESPACES
from bot.vocabulary import WEB

PREFIX = NAMESPACES[WEB]
_NONCE_BYTES = 16
_TAG_BYTES = 16
_SHAPE = re.compile(rf"{re.escape(PREFIX)}([0-9a-f]{{{2 * _NONCE_BYTES}}})-([0-9a-f]{{{2 * _TAG_BYTES}}})")
# Keeps these tags apart from every other use of SENDER_KEY (SMS pseudonyms).
_PURPOSE = b"paligs web chat session id v1"


class WebSessionIds:
    def __init__(self, sender_key: str) -> None:
        if not sender_key:
            raise ValueError("SENDER_KEY is required: without it anyone could make a valid web session id")
        self._key = hmac.new(sender_key.encode("utf-8"), _PURPOSE, hashlib.sha256).digest()

    def _tag(self, nonce: str) -> str:
        return hmac.new(self._key, nonce.encode("ascii"), hashlib.sha256).hexdigest()[: 2 * _TAG_BYTES]

    def issue(self) -> str:
        nonce = secrets.token_hex(_NONCE_BYTES)
        return f"{PREFIX}{nonce}-{self._tag(nonce)}"

    def issued(self, session_id: Any) -> bool:
        """Whether the server made this id (constant-time tag comparison)."""
        if not isinstance(session_id, str):
            return False
        shape = _SHAPE.fullmatch(session_id)
        return bool(shape) and hmac.compare_digest(shape.group(2), self._tag(shape.group(1)))
