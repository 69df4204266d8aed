"""first_message and emergency_shown, counted by the Rasa process as it saves a turn."""

import pytest
import sqlalchemy as sa
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered

from bot.campaigns.funnel import EMERGENCY_SHOWN, FIRST_MESSAGE
from bot.campaigns.funnel_store import FunnelCounts, FunnelRecorder
from bot.server import funnel_counts

SLOTS = {"language": "ru", "channel": "telegram", "source": "emb-tashkent"}
EMERGENCY = BotUttered("112 ...", metadata={"utter_action": "utter_emergency"})


@pytest.mark.parametrize(
    "events, sent",
    [
        ([EMERGENCY], True),
        ([UserUttered("help"), ActionExecuted("utter_emergency"), EMERGENCY], True),
        ([BotUttered("menu", metadata={"utter_action": "utter_menu"})], False),
        ([BotUttered("112 in words an action wrote")], False),  # not the response: no count
        ([UserUttered("utter_emergency")], False),
        ([], False),
    ],
)
def test_only_the_emergency_response_being_sent_counts(events, sent):
    assert funnel_counts.emergency_sent(events) is sent


@pytest.mark.parametrize(
    "earlier, new, steps",
    [
        ([SessionStarted(), UserUttered("/greet")], [UserUttered("/emergency"), EMERGENCY],
         [FIRST_MESSAGE, EMERGENCY_SHOWN]),  # a response only, no custom action: both still counted
        ([SessionStarted(), UserUttered("/greet")], [UserUttered('/change_language{"language":"uz"}')], []),
        ([SessionStarted(), UserUttered("hello")], [UserUttered("they lock us in"), EMERGENCY], [EMERGENCY_SHOWN]),
        ([], [SessionStarted(), UserUttered("/start_screening")], [FIRST_MESSAGE]),
    ],
)
def test_the_steps_of_a_saved_turn(earlier, new, steps):
    assert funnel_counts.steps_of_turn(earlier, new) == steps


@pytest.fixture
def counts(tmp_path, monkeypatch):
    engine = sa.create_engine(f"sqlite:///{tmp_path}/outbox.db")
    counted = FunnelCounts(engine, "Europe/Riga", 156)
    recorder = FunnelRecorder(counted)
    monkeypatch.setattr(funnel_counts, "_recorder", recorder)
    yield counted, recorder
    engine.dispose()


def test_a_turn_is_counted_once_under_its_campaign(counts):
    counted, recorder = counts
    opened = [SessionStarted(), UserUttered("/greet")]
    funnel_counts.count_turn(SLOTS, opened, [UserUttered("/emergency"), EMERGENCY])
    funnel_counts.count_turn(SLOTS, opened + [UserUttered("/emergency"), EMERGENCY], [UserUttered("/show_menu")])
    funnel_counts.count_turn({**SLOTS, "source": "call-me-26123456"}, opened, [UserUttered("hi"), EMERGENCY])
    recorder.flush()
    totals = {(k.campaign, k.step): n for k, n in counted.totals().items()}
    assert totals == {("emb-tashkent", FIRST_MESSAGE): 1, ("emb-tashkent", EMERGENCY_SHOWN): 1,
                      ("other", FIRST_MESSAGE): 1, ("other", EMERGENCY_SHOWN): 1}
    assert {k.channel for k in counted.totals()} == {"telegram"}


def test_a_count_that_cannot_be_made_never_fails_the_turn(monkeypatch):
    def broken():
        raise RuntimeError("database down")

    monkeypatch.setattr(funnel_counts, "_recorder_for_this_process", broken)
    funnel_counts.count_turn(SLOTS, [], [UserUttered("hello"), EMERGENCY])
