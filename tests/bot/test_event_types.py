"""Stored events are turned back into the same classes as Rasa's own lookup would."""

import inspect

import pytest
import rasa.shared.utils.common
from rasa.shared.core.events import Event, SlotSet, UserUttered

from bot.server import event_types
from bot.server.event_types import RASA_RESOLVE, resolve_by_type

NAMES = sorted({cls.type_name for cls in rasa.shared.utils.common.all_subclasses(Event)})


def _answer(method, name, default=None):
    try:
        return method(name, default)
    except ValueError as error:
        return ("refused", str(error))


@pytest.mark.parametrize("name", NAMES + ["topic", "no_such_event", ""])
def test_the_same_class_as_rasa(name):
    assert _answer(resolve_by_type, name) == _answer(RASA_RESOLVE, name)
    assert _answer(resolve_by_type, name, SlotSet) == _answer(RASA_RESOLVE, name, SlotSet)


def test_every_event_type_is_known():
    assert len(NAMES) > 20  # the walk really found Rasa's events
    assert resolve_by_type("user") is UserUttered


def test_install_replaces_rasas_lookup_and_round_trips_events():
    event_types.install()
    event_types.install()
    assert event_types.installed()
    stored = [UserUttered("hi", {"name": "greet", "confidence": 1.0}).as_dict(), SlotSet("language", "lv").as_dict()]
    assert [type(Event.from_parameters(data)) for data in stored] == [UserUttered, SlotSet]


def test_rasa_still_looks_events_up_the_way_we_replace():
    # version sync point: if Rasa changes how it resolves names, this fails before production does
    assert list(inspect.signature(RASA_RESOLVE).parameters) == ["type_name", "default"]
    assert "all_subclasses(Event)" in inspect.getsource(RASA_RESOLVE)
