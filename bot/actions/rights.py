"""Rights: a short first answer, "tell me more", then a next step
(bot/rights/topics.py and bot/data/content/rights.yml)."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions import funnel
from bot.actions.common import language_of, output_channel_of, rendered, translated_fact, translator_for
from bot.campaigns.funnel import RIGHTS_TOPIC_OPENED
from bot.rights.topics import (
    ANSWER_CONTEXT,
    MORE_CONTEXT,
    TITLE_CONTEXT,
    Topic,
    answer_payloads,
    more_payloads,
    rights,
)

TOPIC_SLOT = "rights_topic"


def _named_topic(tracker: Tracker) -> Optional[str]:
    entities = (tracker.latest_message or {}).get("entities") or []
    return next((str(e.get("value")) for e in entities if e.get("entity") == TOPIC_SLOT), None)


def _next_steps(dispatcher: CollectingDispatcher, tracker: Tracker, payloads: List[str]) -> None:
    message = rendered("utter_rights_next", language_of(tracker), output_channel_of(tracker))
    by_payload = {b["payload"]: b for b in message.get("buttons", [])}
    dispatcher.utter_message(text=message["text"], buttons=[by_payload[p] for p in payloads])


def show_topics(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    t = translator_for(tracker)
    message = rendered("utter_rights_menu", language_of(tracker), output_channel_of(tracker))
    buttons = [
        {"title": t.pgettext(TITLE_CONTEXT, topic.title), "payload": topic.payload()}
        for topic in rights().topics.values()
    ]
    dispatcher.utter_message(text=message["text"], buttons=buttons)


def answer(dispatcher: CollectingDispatcher, tracker: Tracker, topic: Topic) -> List[EventType]:
    dispatcher.utter_message(text=translated_fact(tracker, ANSWER_CONTEXT, topic.answer))
    _next_steps(dispatcher, tracker, answer_payloads(topic))
    return [SlotSet(TOPIC_SLOT, topic.id)]


class ActionExplainRights(Action):
    """A rights question: the topic it names or its intent's topic, else the list of topics."""

    def name(self) -> str:
        return "action_explain_rights"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        topic = rights().find(intent, _named_topic(tracker))
        if topic is None:
            show_topics(dispatcher, tracker)
            return []
        funnel.count(tracker, RIGHTS_TOPIC_OPENED)
        return answer(dispatcher, tracker, topic)


class ActionTellMore(Action):
    """"Tell me more" about the topic just answered; with none, the list of topics."""

    def name(self) -> str:
        return "action_tell_more"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[EventType]:
        topic = rights().topics.get(tracker.get_slot(TOPIC_SLOT) or "")
        if topic is None:
            show_topics(dispatcher, tracker)
            return []
        dispatcher.utter_message(text=translated_fact(tracker, MORE_CONTEXT, topic.more))
        _next_steps(dispatcher, tracker, more_payloads(topic))
        return []
