"""After Rasa has answered a message: offer the language it was written in.

Every channel (REST, web chat, SMS) hands its messages to Rasa through
`answer_and_offer`. When the NLU found the message clearly in another enabled
language than the conversation's (`detected_language`, bot/server/language_detector.py),
one message more follows the answer: the offer to switch, in both languages
(bot/language/offer.py).

The offer is added to the conversation as a bot message only, not as an
action: rules, stories and forms see the conversation as if it were not there,
so the person can still answer the question before it. It is recorded with the
language offered (for "once per language") and with its buttons (for SMS
number replies). A failure here costs the offer, never the answer.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import BotUttered

from bot.i18n.catalogs import default_catalogs
from bot.i18n.responses import ResponseSource, load_sources
from bot.language.offer import LANGUAGE_SLOT, OFFER, OFFERED, language_to_offer, offer_message
from bot.language.registry import registry
from bot.paths import RESPONSES_FILE
from bot.server.language_detector import DETECTED_LANGUAGE, RECENT

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _source() -> ResponseSource:
    return load_sources(RESPONSES_FILE)[OFFER]


async def answer_and_offer(
    on_new_message: Callable[[UserMessage], Awaitable[Any]], message: UserMessage, request: Any
) -> None:
    """Let Rasa answer `message`, then offer its language if that is called for.
    `request` is the Sanic request the message came with (its app holds Rasa's agent)."""
    await on_new_message(message)
    app = getattr(request, "app", None)
    await offer_language(getattr(getattr(app, "ctx", None), "agent", None), message)


async def offer_language(agent: Optional[Any], message: UserMessage) -> None:
    """Send and record the offer after `message`'s turn, if its language calls for one."""
    tracker_store = getattr(agent, "tracker_store", None)
    lock_store = getattr(agent, "lock_store", None)
    if tracker_store is None or lock_store is None or message.text not in RECENT:
        return  # most messages: no language found in them, no need to read the conversation back
    try:
        async with lock_store.lock(message.sender_id):
            tracker = await tracker_store.retrieve(message.sender_id)
            latest = tracker.latest_message if tracker else None
            # The turn of this very message (not of one that came in after it), still there
            # (not erased by "delete my data").
            if latest is None or latest.message_id != message.message_id:
                return
            current = registry().supported(tracker.get_slot(LANGUAGE_SLOT)) or registry().default
            events = [event.as_dict() for event in tracker.events]
            offered = language_to_offer(latest.parse_data.get(DETECTED_LANGUAGE), current, registry(), events)
            if offered is None:
                return
            channel = message.output_channel.name()
            offer = offer_message(offered, current, _source(), default_catalogs(), registry(), channel)
            await message.output_channel.send_response(message.sender_id, dict(offer))  # it pops the keys
            tracker.update(
                BotUttered(offer["text"], data={"buttons": offer.get("buttons")}, metadata={OFFERED: offered})
            )
            await tracker_store.save(tracker)
    except Exception as error:  # the message text never goes into the log
        logger.error("language offer failed for a conversation: %s", type(error).__name__)
