"""The anonymous funnel: how far people get, per ISO week x campaign x language x channel x step.

Only counters are kept: no conversation id, no sender, no text, no time finer than the
week. Every dimension is a closed set, so nothing a person or a link says can become a
row: a campaign is a registered code, "other" or "direct"; a language an enabled code; a
channel one of ours. This module holds the pure rules; bot/campaigns/funnel_store.py keeps
the counters and bot/campaigns/funnel_push.py delivers them to the portal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Collection, Iterable, Mapping, Optional, Sequence
from zoneinfo import ZoneInfo

from bot.campaigns.registry import OTHER
from bot.screening.scoring import EXPLOITATION, FEW, FORCED_LABOUR, TRAFFICKING
from bot.vocabulary import CHANNELS

# The steps, named exactly as the portal expects them (the contract of POST /api/funnel).
CHAT_OPENED = "chat_opened"
FIRST_MESSAGE = "first_message"
SCREENING_STARTED = "screening_started"
RIGHTS_TOPIC_OPENED = "rights_topic_opened"
JOB_OFFER_FINISHED = "job_offer_finished"
HANDOFF_SENT = "handoff_sent"
# The emergency answer is a response (utter_emergency) no custom action runs, so that 112 never
# waits on the action server: the Rasa process counts it as the turn is saved
# (bot/server/funnel_counts.py).
EMERGENCY_SHOWN = "emergency_shown"


def screening_finished(signal: str) -> str:
    """The step of a self-check that ended with `signal` (the screening_signal slot)."""
    return f"screening_finished_{signal}"


STEPS = (
    CHAT_OPENED, FIRST_MESSAGE, SCREENING_STARTED,
    *(screening_finished(signal) for signal in (TRAFFICKING, FORCED_LABOUR, EXPLOITATION, FEW)),
    RIGHTS_TOPIC_OPENED, JOB_OFFER_FINISHED, HANDOFF_SENT, EMERGENCY_SHOWN,
)

# A conversation that came through no campaign link, keyword or deep link.
DIRECT = "direct"

# What the channels send on a person's behalf when a chat opens: the web widget's automatic
# "/greet" (bot/web/chat.js), Telegram's /start and the SMS word START (both become "/greet"),
# and a language choice, from the language menu, a campaign keyword or a /start deep link.
GREETING_PAYLOAD = "/greet"
LANGUAGE_CHOICE_PAYLOAD = "/change_language"



@dataclass(frozen=True)
class FunnelKey:
    week: str
    campaign: str
    language: str
    channel: str
    step: str


def iso_week(moment: dt.datetime, timezone: str) -> str:
    """The ISO week ("2026-W49") `moment` falls in, on the calendar of `timezone`.
    A naive `moment` is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    year, week, _ = moment.astimezone(ZoneInfo(timezone)).isocalendar()
    return f"{year:04d}-W{week:02d}"


def campaign_of(source: Any, registered: Collection[str]) -> str:
    """The `source` slot as counted: a registered code, else "other"; "direct" when empty."""
    if source is None or not str(source).strip():
        return DIRECT
    code = str(source).strip().lower()
    return code if code in registered else OTHER


def funnel_key(
    step: str, slots: Mapping[str, Any], week: str, campaigns: Collection[str], languages: Collection[str]
) -> Optional[FunnelKey]:
    """The counter `step` goes to, or None when the conversation's language or channel is not one of
    ours (a conversation through Rasa's HTTP API, say): those are skipped, never written as they are."""
    if step not in STEPS:
        raise ValueError(f"unknown funnel step {step!r}")
    language, channel = slots.get("language"), slots.get("channel")
    if language not in languages or channel not in CHANNELS:
        return None
    return FunnelKey(week, campaign_of(slots.get("source"), campaigns), language, channel, step)


def is_new_conversation(events: Iterable[Mapping[str, Any]]) -> bool:
    """Whether action_session_start is opening a conversation rather than a later session of one:
    a later session still holds the messages of the one before."""
    return not any(event.get("event") == "user" for event in events)


def is_own_message(event: Mapping[str, Any]) -> bool:
    """A message the person sent themselves: anything they typed or a button they pressed, but not
    what a channel sends when the chat opens, nor a language choice."""
    if event.get("event") != "user":
        return False
    text = (event.get("text") or "").strip()
    return bool(text) and text != GREETING_PAYLOAD and not text.startswith(LANGUAGE_CHOICE_PAYLOAD)


def first_message_in(earlier: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the person's first own message of this session is among the `new` events of a turn
    (as the tracker store saves it), `earlier` being what the store already held of the session.

    Counted per session: a person who comes back after the session expired (domain.yml,
    session_config) and writes again is counted again."""
    events = [*earlier, *new]
    start = max((n + 1 for n, e in enumerate(events) if e.get("event") == "session_started"), default=0)
    first = next((n for n in range(start, len(events)) if is_own_message(events[n])), None)
    return first is not None and first >= len(earlier)
