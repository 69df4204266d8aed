import pytest

from bot.actions.fallback import fallback_stage

USER = {"event": "user", "text": "?"}
LISTEN = {"event": "action", "name": "action_listen"}


def action(name):
    return {"event": "action", "name": name}


@pytest.mark.parametrize(
    "events, stage",
    [
        ([USER], 1),
        ([USER, action("utter_menu"), LISTEN, USER], 1),
        ([USER, action("action_handle_fallback"), LISTEN, USER], 2),
        ([USER, action("action_handle_fallback"), LISTEN, USER, action("action_handle_fallback"), LISTEN, USER], 2),
        ([USER, action("action_handle_fallback"), LISTEN, USER, action("utter_menu"), LISTEN, USER], 1),
    ],
)
def test_fallback_stage(events, stage):
    assert fallback_stage(events) == stage
