"""The language offer after a turn (bot/server/channels/language_offer.py), as every channel
runs it: Rasa's own tracker and lock stores, the real language detector, and a stand-in
for the dialogue that answers and records the turn as Rasa's processor would."""

import asyncio
import json
import logging
from types import SimpleNamespace

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.language.offer import OFFERED
from bot.server.channels.language_offer import answer_and_offer, offer_language
from bot.server.channels.sms import SmsOutput
from bot.server.language_detector import LanguageDetector
from bot.sms.render import previous_choices, render_turn

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
slots:
  language:
    type: text
    initial_value: lv
    influence_conversation: false
    mappings:
      - type: custom
"""
)
RUSSIAN = "у меня забрали паспорт и не платят уже три месяца"
ENGLISH = "my employer took my passport and does not pay me"
SWITCH_TO = '/change_language{{"language":"{}"}}'.format
YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


@pytest.fixture(scope="module")
def detector():
    return LanguageDetector.create(LanguageDetector.get_default_config(), None, None, None)


class Dialogue:
    """Stands in for Rasa's agent: parses with the real detector, answers "Answer."
    (with buttons, if given), records the turn in the tracker store, switches
    language on /change_language."""

    def __init__(self, detector, buttons=None):
        self.detector, self.buttons = detector, buttons
        self.tracker_store = InMemoryTrackerStore(DOMAIN)
        self.lock_store = InMemoryLockStore()

    async def __call__(self, message):
        tracker = await self.tracker_store.get_or_create_tracker(message.sender_id)
        [parsed] = self.detector.process([Message({TEXT: message.text})])
        parse_data = {"intent": {"name": "some_intent", "confidence": 0.9}, "entities": [],
                      **parsed.as_dict(only_output_properties=True)}
        tracker.update(UserUttered(message.text, parse_data=parse_data, message_id=message.message_id))
        if message.text.startswith("/change_language"):
            tracker.update(SlotSet("language", json.loads(message.text[len("/change_language"):])["language"]))
        if self.buttons:
            await message.output_channel.send_text_with_buttons(message.sender_id, "Answer.", self.buttons)
        else:
            await message.output_channel.send_text_message(message.sender_id, "Answer.")
        tracker.update(BotUttered("Answer.", data={"buttons": self.buttons}))
        await self.tracker_store.save(tracker)

    def request(self):
        return SimpleNamespace(app=SimpleNamespace(ctx=SimpleNamespace(agent=self)))

    def say(self, sender, text, output=None):
        output = output or CollectingOutputChannel()
        asyncio.run(answer_and_offer(self, UserMessage(text, output, sender), self.request()))
        return output.messages

    def events(self, sender):
        return asyncio.run(self.tracker_store.retrieve(sender)).events


def texts(messages):
    return [m["text"] for m in messages]


def test_a_long_message_in_another_language_gets_the_answer_then_the_offer(detector):
    rasa = Dialogue(detector)
    rasa.say("rest-a", SWITCH_TO("en"))
    messages = rasa.say("rest-a", RUSSIAN)
    assert texts(messages) == ["Answer.", "Would you like to continue in Russian? / Хотите продолжить по-русски?"]
    assert messages[1]["buttons"] == [
        {"title": "Продолжить по-русски", "payload": SWITCH_TO("ru")},
        {"title": "Continue in English", "payload": SWITCH_TO("en")},
    ]
    # Recorded as a bot message only: what rules and forms see is unchanged.
    offer = rasa.events("rest-a")[-1]
    assert isinstance(offer, BotUttered) and offer.metadata == {OFFERED: "ru"}
    assert offer.data["buttons"] == messages[1]["buttons"]


def test_offered_once_then_not_after_stay_and_again_after_a_switch_and_back(detector):
    rasa = Dialogue(detector)
    rasa.say("rest-b", SWITCH_TO("en"))
    assert len(rasa.say("rest-b", RUSSIAN)) == 2
    assert texts(rasa.say("rest-b", RUSSIAN)) == ["Answer."]  # let pass: not again
    assert texts(rasa.say("rest-b", SWITCH_TO("en"))) == ["Answer."]  # stay
    assert texts(rasa.say("rest-b", RUSSIAN)) == ["Answer."]
    rasa.say("rest-b", SWITCH_TO("ru"))
    assert texts(rasa.say("rest-b", ENGLISH))[1].startswith("Хотите продолжить по-английски?")
    rasa.say("rest-b", SWITCH_TO("en"))
    assert len(rasa.say("rest-b", RUSSIAN)) == 2


@pytest.mark.parametrize("text", ["да", "Anna Petrova, Rīga", "+371 26123456", ENGLISH, "/ask_contacts"])
def test_short_messages_names_numbers_and_the_conversation_s_own_language_get_none(detector, text):
    rasa = Dialogue(detector)
    rasa.say("rest-c", SWITCH_TO("en"))
    assert texts(rasa.say("rest-c", text)) == ["Answer."]
    # The positive control: the same conversation does get one.
    assert len(rasa.say("rest-c", RUSSIAN)) == 2


def test_on_sms_the_answer_keeps_its_numbers(detector):
    rasa = Dialogue(detector, buttons=YES_NO)
    rasa.say("sms-d", SWITCH_TO("en"), SmsOutput())
    output = SmsOutput()
    rasa.say("sms-d", RUSSIAN, output)
    assert render_turn(output.messages).text == (
        "Answer.\n\nWould you like to continue in Russian? Send RU. / Хотите продолжить по-русски? Отправьте RU."
        "\n1 Yes  2 No"
    )
    assert previous_choices(rasa.events("sms-d")) == {"1": "/affirm", "2": "/deny"}


def test_no_offer_for_a_message_whose_turn_is_not_the_latest(detector):
    rasa = Dialogue(detector)
    rasa.say("rest-e", SWITCH_TO("en"))
    earlier = UserMessage(RUSSIAN, CollectingOutputChannel(), "rest-e")
    rasa.say("rest-e", RUSSIAN + " ещё")  # offered for this one
    asyncio.run(offer_language(rasa, earlier))
    assert earlier.output_channel.messages == []


def test_without_rasa_s_stores_the_answer_comes_alone(detector):
    rasa, output = Dialogue(detector), CollectingOutputChannel()
    asyncio.run(answer_and_offer(rasa, UserMessage(RUSSIAN, output, "rest-f"), SimpleNamespace()))
    assert texts(output.messages) == ["Answer."]


def test_a_failing_offer_costs_only_the_offer(detector, caplog):
    rasa = Dialogue(detector)
    rasa.say("rest-g", SWITCH_TO("en"))

    def broken(sender_id):
        raise RuntimeError(f"boom {RUSSIAN}")

    rasa.lock_store = SimpleNamespace(lock=broken)
    with caplog.at_level(logging.ERROR):
        assert texts(rasa.say("rest-g", RUSSIAN)) == ["Answer."]
    assert "language offer failed" in caplog.text and "RuntimeError" in caplog.text
    assert "паспорт" not in caplog.text
