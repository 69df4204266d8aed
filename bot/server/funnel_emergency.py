"""emergency_shown, counted where it is certain: in the Rasa process, as a turn that sent the
emergency answer is saved.

The emergency answer is a plain response (utter_emergency in the rules), so that 112 never
waits on the action server, which therefore never sees it; the tracker store does. The count
goes to the funnel's table in the outbox database (OUTBOX_DB_URL, which the Rasa replicas
then need too) through a recorder thread of its own, so a slow or failing database can lose
a count but never delay or fail the person's turn.
"""

from __future__ import annotations

import logging
from typing import Any, Iterable, Mapping, Optional

import sqlalchemy as sa

from bot import sqlite
from bot.campaigns.funnel import EMERGENCY_SHOWN, funnel_key
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


def count_if_shown(slots: Mapping[str, Any], new_events: Iterable[Any]) -> None:
    """Count emergency_shown once for a turn that sent the emergency answer; never raises."""
    try:
        if not emergency_sent(new_events):
            return
        recorder = _recorder_for_this_process()
        key = funnel_key(
            EMERGENCY_SHOWN, slots, recorder.counts.week_of(), campaigns().by_code, registry().enabled_codes
        )
        if key is not None:
            recorder.record(key)
    except Exception as error:  # the key holds nothing personal, nor does the error's type
        logger.warning("funnel: an %s count was lost (%s)", EMERGENCY_SHOWN, type(error).__name__)


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
