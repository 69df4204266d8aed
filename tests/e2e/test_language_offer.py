"""The offer to switch language, over REST against the real Rasa and action servers:
the model's language detector, the channel's offer after the answer, the switch by button."""

from bot.i18n.catalogs import Catalogs
from bot.i18n.responses import load_sources
from bot.language.offer import OFFER, OFFERED, offer_message
from bot.language.registry import registry
from bot.paths import LOCALES_DIR, RESPONSES_FILE
from tests.support import expect
from tests.support.chat import Chat

RUSSIAN = "работодатель забрал мой паспорт и не отдаёт"
OFFER_RU = offer_message("ru", "en", load_sources(RESPONSES_FILE)[OFFER], Catalogs(LOCALES_DIR), registry())


def offers(chat):
    return [r for r in chat.replies if r.get("text") == OFFER_RU["text"]]


def recorded_offers(chat):
    """The languages offered, from the bot messages in the tracker store."""
    events = chat.tracker()["events"]
    return [e["metadata"][OFFERED] for e in events if e["event"] == "bot" and OFFERED in (e.get("metadata") or {})]


def test_in_an_english_conversation_russian_gets_the_english_answer_and_the_offer(servers):
    chat = Chat(servers, "en", prefix="langid-")

    chat.say("да")  # a short word: no offer
    assert chat.texts and not offers(chat), chat.texts

    chat.say(RUSSIAN)
    assert chat.heard("utter_report_offer_screening"), chat.texts  # answered, in English
    assert chat.replies[-1]["text"] == OFFER_RU["text"], chat.texts  # then the offer, last
    assert chat.choices[-2:] == [(b["title"], b["payload"]) for b in OFFER_RU["buttons"]]
    assert recorded_offers(chat) == ["ru"]
    assert chat.slots()["language"] == "en"  # nothing switched by itself

    chat.say(RUSSIAN)  # offered once: the answer alone
    assert chat.heard("utter_report_offer_screening") and not offers(chat), chat.texts
    assert recorded_offers(chat) == ["ru"]

    switch = OFFER_RU["buttons"][0]["payload"]
    assert chat.say(switch) == [expect.text("utter_language_changed", "ru"), expect.text("utter_menu", "ru")]
    assert chat.slots()["language"] == "ru"
