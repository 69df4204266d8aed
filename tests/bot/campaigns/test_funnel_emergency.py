"""emergency_shown is counted by the Rasa process when a saved turn sent the emergency answer."""

import pytest
import sqlalchemy as sa
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

from bot.campaigns.funnel import EMERGENCY_SHOWN
from bot.campaigns.funnel_store import FunnelCounts, FunnelRecorder
from bot.server import funnel_emergency

SLOTS = {"language": "ru", "channel": "telegram", "source": "emb-tashkent"}


@pytest.mark.parametrize(
    "events, sent",
    [
        ([BotUttered("112 ...", metadata={"utter_action": "utter_emergency"})], True),
        ([UserUttered("help"), ActionExecuted("utter_emergency"),
          BotUttered("112", metadata={"utter_action": "utter_emergency"})], True),
        ([BotUttered("menu", metadata={"utter_action": "utter_menu"})], False),
        ([BotUttered("112 in words an action wrote")], False),  # not the response: no count
        ([UserUttered("utter_emergency")], False),
        ([], False),
    ],
)
def test_only_the_emergency_response_being_sent_counts(events, sent):
    assert funnel_emergency.emergency_sent(events) is sent


@pytest.fixture
def counts(tmp_path, monkeypatch):
    engine = sa.create_engine(f"sqlite:///{tmp_path}/outbox.db")
    counted = FunnelCounts(engine, "Europe/Riga", 156)
    recorder = FunnelRecorder(counted)
    monkeypatch.setattr(funnel_emergency, "_recorder", recorder)
    yield counted, recorder
    engine.dispose()


def test_a_turn_with_the_emergency_answer_is_counted_once_under_its_campaign(counts):
    counted, recorder = counts
    shown = [BotUttered("112", metadata={"utter_action": "utter_emergency"})]
    funnel_emergency.count_if_shown(SLOTS, shown)
    funnel_emergency.count_if_shown(SLOTS, [BotUttered("menu", metadata={"utter_action": "utter_menu"})])
    funnel_emergency.count_if_shown({**SLOTS, "source": "call-me-26123456"}, shown)
    recorder.flush()
    totals = {(k.campaign, k.language, k.channel, k.step): n for k, n in counted.totals().items()}
    assert totals == {
        ("emb-tashkent", "ru", "telegram", EMERGENCY_SHOWN): 1,
        ("other", "ru", "telegram", EMERGENCY_SHOWN): 1,
    }


def test_a_count_that_cannot_be_made_never_fails_the_turn(monkeypatch):
    def broken():
        raise RuntimeError("database down")

    monkeypatch.setattr(funnel_emergency, "_recorder_for_this_process", broken)
    funnel_emergency.count_if_shown(SLOTS, [BotUttered("112", metadata={"utter_action": "utter_emergency"})])
