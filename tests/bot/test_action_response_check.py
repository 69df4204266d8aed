"""The action answers are judged by a validator built once, exactly as Rasa judged them."""

import inspect

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.server import action_response_check
from bot.server.action_response_check import RASA_VALIDATE, validate_action_result

ANSWERS = [
    {},
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "language", "value": "ru"}], "responses": [{"text": "Sveiki"}]},
    {"events": [{"event": "followup", "name": "action_listen"}]},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot"}]},
    {"events": "not a list"},
    {"responses": ["not an object"]},
    {"responses": [{"text": "ok"}], "events": [{"event": "user", "text": 3}]},
    [],
    "text",
]


def _verdict(method, answer):
    try:
        return method(RemoteAction("action_x", None), answer)
    except ValidationError as error:
        return ("refused", error.message, list(error.path))


@pytest.mark.parametrize("answer", ANSWERS, ids=range(len(ANSWERS)))
def test_the_same_verdict_and_message_as_rasa(answer):
    assert _verdict(validate_action_result, answer) == _verdict(RASA_VALIDATE, answer)


def test_refusals_are_refused():
    assert _verdict(validate_action_result, {"events": "not a list"})[0] == "refused"
    assert _verdict(validate_action_result, {"events": []}) is True


def test_install_replaces_rasas_method_and_is_idempotent():
    action_response_check.install()
    action_response_check.install()
    assert action_response_check.installed()
    assert RemoteAction._validate_action_result is validate_action_result


def test_rasa_still_has_the_method_we_replace():
    # version sync point: if Rasa renames or reshapes it, this fails before production does
    assert list(inspect.signature(RASA_VALIDATE).parameters) == ["self", "result"]
    assert "validate(result, self.action_response_format_spec())" in inspect.getsource(RASA_VALIDATE)
