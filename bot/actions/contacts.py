"""action_show_contacts: the hotline and both providers, open or closed now."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.common import language_of, output_channel_of, say, translator_for
from bot.contacts.book import contact_book
from bot.contacts.cards import compact_card, contact_card
from bot.vocabulary import DROSA_MAJA, MARTA, SMS, WHATSAPP
from bot.whatsapp.render import bold_heading

SHOWN = ("hotline", MARTA, DROSA_MAJA)  # contact ids in bot/data/content/contacts.yml


class ActionShowContacts(Action):
    def name(self) -> str:
        return "action_show_contacts"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        lang, channel = language_of(tracker), output_channel_of(tracker)
        book = contact_book()
        now = dt.datetime.now(ZoneInfo(book.timezone))
        t = translator_for(tracker)
        say(dispatcher, "utter_contacts_intro", lang, channel)
        # On SMS one line each, in one message: the full cards would need a dozen segments.
        if channel == SMS:
            dispatcher.utter_message(text="\n".join(compact_card(book[c], now, t) for c in SHOWN))
        else:
            for contact_id in SHOWN:
                card = contact_card(book[contact_id], now, t)
                dispatcher.utter_message(text=bold_heading(card) if channel == WHATSAPP else card)
        say(dispatcher, "utter_contacts_danger", lang, channel)
        return []
