"""The funnel steps only the Rasa process sees for certain, counted as it saves a turn:

- first_message: the person's first own message of the session (not the widget's automatic
  /greet, Telegram's /start or a language choice; bot/campaigns/funnel.py), whether or not
  any custom action answers it (many get a response only);
- emergency_shown: the emergency answer is a plain response (utter_emergency in the rules), so
  that 112 never waits on the action server, which therefore never sees it.

The counts go to the funnel's table in the outbox database (OUTBOX_DB_URL, which the Rasa
replicas then need too) through a recorder thread of its own, so a slow or failing database
can lose a count but never delay or fail the person's turn.
"""

from __future__ import annotations

import logging
from typing import Any, Iterable, List, Mapping, Optional, Sequence

import sqlalchemy as sa

from bot import sqlite
from bot.campaigns.funnel import EMERGENCY_SHOWN, FIRST_MESSAGE, first_message_in, funnel_key
from bot.campaigns.funnel_store import FunnelCounts, FunnelRecorder
from bot.campaigns.registry import campaigns
from bot.handoff.outbox import engine_arguments
from bot.language.registry import registry
from bot.settings import load_settings

logger = logging.getLogger(__name__)

EMERGENCY_RESPONSE = "utter_emergency"
_recorder: Optional[FunnelRecorder] = None


def emergency_sent(events: Iterable[Any]) -> bool:
    """Whether any of these (new) events is the emergency answer being sent."""
    return any(
        getattr(event, "type_name", None) == "bot"
        and (getattr(event, "metadata", None) or {}).get("utter_action") == EMERGENCY_RESPONSE
        for event in events
    )


def steps_of_turn(earlier: Sequence[Any], new: Sequence[Any]) -> List[str]:
    """The steps a saved turn counts: its new events against what the session held before."""
    steps = []
    if first_message_in(_dicts(earlier), _dicts(new)):
        steps.append(FIRST_MESSAGE)
    if emergency_sent(new):
        steps.append(EMERGENCY_SHOWN)
    return steps


def count_turn(slots: Mapping[str, Any], earlier: Sequence[Any], new: Sequence[Any]) -> None:
    """Count this turn's steps under the conversation's campaign, language and channel; never raises."""
    try:
        steps = steps_of_turn(earlier, new)
        if not steps:
            return
        recorder = _recorder_for_this_process()
        for step in steps:
            key = funnel_key(step, slots, recorder.counts.week_of(), campaigns().by_code, registry().enabled_codes)
            if key is not None:
                recorder.record(key)
    except Exception as error:  # the key holds nothing personal, nor does the error's type
        logger.warning("funnel: a count of the Rasa process was lost (%s)", type(error).__name__)


def _dicts(events: Sequence[Any]) -> List[Mapping[str, Any]]:
    """User messages and session starts as the pure rule reads them (other events are not needed)."""
    found: List[Mapping[str, Any]] = []
    for event in events:
        kind = getattr(event, "type_name", None)
        if kind == "user":
            found.append({"event": "user", "text": getattr(event, "text", None)})
        elif kind == "session_started":
            found.append({"event": "session_started"})
    return found


def _recorder_for_this_process() -> FunnelRecorder:
    # Built on the first emergency, not at start-up: a replica that never shows one opens nothing.
    global _recorder
    if _recorder is None:
        settings = load_settings()
        url = settings.outbox_db_url
        engine = sa.create_engine(url, **engine_arguments(url, 1, 1))
        if sqlite.is_sqlite(url):
            sqlite.use_pragmas(engine)
        _recorder = FunnelRecorder(FunnelCounts(engine, settings.timezone, settings.funnel_retention_weeks))
    return _recorder
