"""Event classes looked up by name from a table built once.

Rasa 3.6 turns every stored event back into an object through
Event.resolve_by_type, which walks the whole Event class tree (with an
inspect.isabstract check per class) for every single event. A conversation is
read back from the tracker store at least once per message, so the walk costs
more the longer the conversation: about 3 % of the Rasa process's CPU in a
profile of the latency benchmark. The classes never change once Rasa and our
components are imported, so the table answers exactly what the walk would.

Version sync point: written against rasa 3.6.21 (requirements/bot.txt).
tests/bot/test_event_types.py compares both for every event type.
"""

from __future__ import annotations

from typing import Dict, Optional, Type

import rasa.shared.utils.common
from rasa.shared.core.events import Event

# Rasa's own method, kept for the equivalence test.
RASA_RESOLVE = Event.resolve_by_type

_classes: Dict[str, Type[Event]] = {}


def _table() -> Dict[str, Type[Event]]:
    if not _classes:
        # the first subclass with a name wins, as in Rasa's walk
        for cls in rasa.shared.utils.common.all_subclasses(Event):
            _classes.setdefault(cls.type_name, cls)
    return _classes


def resolve_by_type(type_name: str, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    found = _table().get(type_name)
    if found is not None:
        return found
    # unknown names: Rasa's answer (None for old "topic" events, the default, or its error)
    return RASA_RESOLVE(type_name, default)


def install() -> None:
    """Idempotent; called when the Rasa server starts (bot/server/stores.py)."""
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign]


def installed() -> bool:
    return Event.resolve_by_type is resolve_by_type
