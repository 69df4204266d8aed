"""Rights content (bot/data/content/rights.yml): topics, how a question finds
its topic, and the next steps each answer offers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from bot.paths import CONTENT_DIR

TITLE_CONTEXT = "rights_title"
ANSWER_CONTEXT = "rights_answer"
MORE_CONTEXT = "rights_more"
# Next steps a topic may offer, by their payloads (titles live in responses.yml).
NEXT_STEPS = {
    "contacts": "/ask_contacts",
    "screening": "/start_screening",
    "handoff": "/request_handoff",
    "job_offer": "/ask_job_offer",
}
TELL_MORE = "/tell_more"
OTHER_RIGHTS = "/ask_rights"


def _text(value: object) -> str:
    return " ".join(str(value).split())


@dataclass(frozen=True)
class Topic:
    id: str
    intent: Optional[str]
    title: str
    answer: str
    more: str
    next: Tuple[str, ...]
    source: str
    verified_on: dt.date
    verify: bool

    def payload(self) -> str:
        return f'/ask_rights{{"rights_topic":"{self.id}"}}'


@dataclass(frozen=True)
class Rights:
    topics: Dict[str, Topic]

    def for_intent(self, intent: Optional[str]) -> Optional[Topic]:
        return next((t for t in self.topics.values() if intent and t.intent == intent), None)

    def find(self, intent: Optional[str], topic_id: Optional[str]) -> Optional[Topic]:
        """The topic a question asks about: a named topic first, then the intent's own."""
        return self.topics.get(topic_id or "") or self.for_intent(intent)


def answer_payloads(topic: Topic) -> List[str]:
    """Buttons after a first answer: tell me more, the topic's next steps, other rights."""
    return [TELL_MORE] + [NEXT_STEPS[step] for step in topic.next] + [OTHER_RIGHTS]


def more_payloads(topic: Topic) -> List[str]:
    """Buttons after "tell me more": the next steps and other rights."""
    return [NEXT_STEPS[step] for step in topic.next] + [OTHER_RIGHTS]


def load_rights(path: Path) -> Rights:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    topics: Dict[str, Topic] = {}
    for item in raw["topics"]:
        topic = Topic(
            id=str(item["id"]),
            intent=item.get("intent"),
            title=_text(item["title"]),
            answer=_text(item["answer"]),
            more=_text(item["more"]),
            next=tuple(item.get("next") or ()),
            source=_text(item["source"]),
            verified_on=item["verified_on"],
            verify=bool(item["verify"]),
        )
        if topic.id in topics:
            raise ValueError(f"duplicate rights topic {topic.id!r}")
        unknown = set(topic.next) - set(NEXT_STEPS)
        if unknown:
            raise ValueError(f"rights topic {topic.id!r}: unknown next steps {sorted(unknown)}")
        topics[topic.id] = topic
    return Rights(topics)


@lru_cache(maxsize=1)
def rights() -> Rights:
    return load_rights(CONTENT_DIR / "rights.yml")
