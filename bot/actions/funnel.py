"""Counting funnel steps from the actions: one call where a step happens, never in the way.

Each count is handed to the recorder's own thread (bot/campaigns/funnel_store.py) and
any error is logged and dropped, so a count can be lost but never a reply. Outside the
action server (no recorder) nothing is counted.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any, Dict, Mapping, Sequence

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import ActionExecutor

from bot.campaigns.funnel import FIRST_MESSAGE, counted_calls, first_message_due, funnel_key
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


def count_first_message(action_call: Mapping[str, Any]) -> None:
    """first_message, at the first call of the action server after the person's first own message
    (bot/campaigns/funnel.py). The action server runs this for every action call it accepts."""
    try:
        calls = action_calls()
        name = action_call.get("next_action")
        tracker = action_call.get("tracker") or {}
        if name in calls and first_message_due(tracker.get("events") or [], set(calls.values())):
            _count(FIRST_MESSAGE, tracker.get("slots") or {})
    except Exception as error:
        logger.warning("funnel: a %s count was lost (%s)", FIRST_MESSAGE, type(error).__name__)


@lru_cache(maxsize=1)
def action_calls() -> Dict[str, str]:
    """The actions this server runs (as rasa-sdk finds them), each with the name it leaves in the tracker."""
    executor = ActionExecutor()
    executor.register_package("bot.actions")
    return counted_calls(executor.actions)


def _count(step: str, slots: Mapping[str, Any]) -> None:
    recorder = service.funnel()
    if recorder is None:
        return
    key = funnel_key(step, slots, recorder.counts.week_of(), campaigns().by_code, registry().enabled_codes)
    if key is not None:
        recorder.record(key)
