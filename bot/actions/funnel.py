"""Counting funnel steps from the actions: one call where a step happens, never in the way.

Each count is handed to the recorder's own thread (bot/campaigns/funnel_store.py) and
any error is logged and dropped, so a count can be lost but never a reply. Outside the
action server (no recorder) nothing is counted.
"""

from __future__ import annotations

import logging
from typing import Any, Mapping, Sequence

from rasa_sdk import Tracker
from rasa_sdk.events import EventType

from bot.campaigns.funnel import funnel_key
from bot.campaigns.registry import campaigns
from bot.handoff import service
from bot.language.registry import registry

logger = logging.getLogger(__name__)


def count(tracker: Tracker, step: str, events: Sequence[EventType] = ()) -> None:
    """Count `step` under this conversation's campaign, language and channel, as the slots
    stand once `events` (what the action is about to return) apply."""
    try:
        slots = {**tracker.slots, **{e["name"]: e.get("value") for e in events if e.get("event") == "slot"}}
        _count(step, slots)
    except Exception as error:
        logger.warning("funnel: a %s count was lost (%s)", step, type(error).__name__)


def _count(step: str, slots: Mapping[str, Any]) -> None:
    recorder = service.funnel()
    if recorder is None:
        return
    key = funnel_key(step, slots, recorder.counts.week_of(), campaigns().by_code, registry().enabled_codes)
    if key is not None:
        recorder.record(key)
