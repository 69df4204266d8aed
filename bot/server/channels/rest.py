"""REST channel at /webhooks/rest/webhook that answers bad requests with 4xx.

Rasa's stock RestInput answers an empty body with HTTP 500 and lets the client
choose the input channel name; this one validates first and tags messages as
`rest`. The conversation id is `rest-` + the sender; a sender in another
channel's namespace (`sms-…`, `web-…`) gets 400 (bot.server.channels.conversation_ids).
Past the abuse limits (per client address and per conversation) it answers 429
with a short reason and the person's refusal text; when the message could not
be handled (a store briefly down) and nothing was answered, 503 with the
person's "cannot answer right now" text, ending with the hotline.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, Text

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from bot.server.channels.conversation_ids import rest_conversation_id
from bot.server.channels.guard import (
    RETRY_UNAVAILABLE_SECONDS,
    client_address,
    message_limits,
    temporarily_unavailable,
    too_many_messages,
)
from bot.server.channels.language_offer import answer_and_offer
from bot.server.channels.webhook import webhook_blueprint
from bot.server.store_failures import ConversationNotSaved
from bot.session_metadata import clean_metadata
from bot.settings import load_settings
from bot.vocabulary import REST

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 16 * 1024
MAX_MESSAGE_CHARS = 4000
MAX_SENDER_CHARS = 128


def parse_rest_request(body: bytes) -> Dict[str, Any]:
    """Validate a REST message body; raises ValueError with a reason for the client."""
    if not body:
        raise ValueError("empty body: send JSON with 'sender' and 'message'")
    if len(body) > MAX_BODY_BYTES:
        raise ValueError("body too large")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ValueError("body is not valid JSON") from None
    except RecursionError:  # e.g. ten thousand "[": nested deeper than the parser goes
        raise ValueError("body is nested too deeply") from None
    if not isinstance(data, dict):
        raise ValueError("body must be a JSON object")
    sender, message = data.get("sender"), data.get("message")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
        raise ValueError(f"'sender' must be a non-empty string of at most {MAX_SENDER_CHARS} characters")
    if not isinstance(message, str) or len(message) > MAX_MESSAGE_CHARS:
        raise ValueError(f"'message' must be a string of at most {MAX_MESSAGE_CHARS} characters")
    metadata = clean_metadata(data.get("metadata"))
    metadata["channel"] = REST
    return {"sender": sender.strip(), "message": message, "metadata": metadata}


class ValidatedRestInput(RestInput):
    @classmethod
    def name(cls) -> Text:
        return REST

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        settings = load_settings()
        limits = message_limits(settings)
        retry_after = {"Retry-After": str(max(1, round(settings.rate_limit_window_seconds)))}
        retry_unavailable = {"Retry-After": str(RETRY_UNAVAILABLE_SECONDS)}

        async def receive(request: Request) -> response.HTTPResponse:
            try:
                parsed = parse_rest_request(request.body)
                # REST conversations live in their own namespace: `sms-…` or `web-…` is refused.
                sender = rest_conversation_id(parsed["sender"])
            except ValueError as error:
                return response.json({"error": str(error)}, status=400)
            verdict = limits.check(client_address(request), sender)
            if not verdict.allowed:
                text = too_many_messages(parsed["metadata"].get("lang"))
                return response.json({"error": verdict.value, "text": text}, status=429, headers=retry_after)
            collector = CollectingOutputChannel()
            try:
                await answer_and_offer(
                    on_new_message,
                    UserMessage(
                        parsed["message"],
                        collector,
                        sender,
                        input_channel=self.name(),
                        metadata=parsed["metadata"],
                    ),
                    request,
                )
            except Exception as error:  # never echo the message text into logs or the answer
                logger.exception("rest message failed for a conversation")
                # Replies stand only if the turn was saved: otherwise the person sends it again.
                if not collector.messages or isinstance(error, ConversationNotSaved):
                    text = temporarily_unavailable(parsed["metadata"].get("lang"))
                    return response.json(
                        {"error": "temporarily unavailable", "text": text}, status=503, headers=retry_unavailable
                    )
            return response.json(collector.messages)

        return webhook_blueprint("paligs_rest_webhook", receive)


