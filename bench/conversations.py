"""What the latency bench says to each assistant: realistic conversations, sent in order.

Ours, in Latvian, English and Russian: a language chosen by button or in words, the
contacts, the self-check started and answered by buttons, numbers and words, and typed
free text (reports, privacy, rights). Stock (`rasa init`'s mood bot): greetings, moods,
yes and no, goodbyes. Each conversation starts fresh, under a new sender.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from typing import Dict, List, Sequence, Tuple


@dataclass(frozen=True)
class Turn:
    text: str
    metadata: Dict[str, str] = field(default_factory=dict)


def greet(lang: str = "") -> Turn:
    """The web page's first message; with `lang` the language is preselected."""
    return Turn("/greet", {"lang": lang} if lang else {})


Conversation = Tuple[Turn, ...]


def _conversation(*turns: Turn | str) -> Conversation:
    return tuple(turn if isinstance(turn, Turn) else Turn(turn) for turn in turns)


def _self_check(lang: str, no: str, unsure: str, yes: str) -> Conversation:
    """Started by button, consent, an adult age group, place and sector by number, then answers."""
    return _conversation(
        greet(lang), "/start_screening", "/affirm", "2", "1", "1", "/deny", "2", no, unsure, "/affirm", "3", yes
    )


OURS: Tuple[Conversation, ...] = (
    # lv
    _conversation(greet(), '/change_language{"language":"lv"}', "kur man zvanīt?", "paldies", "uz redzēšanos"),
    _self_check("lv", no="nē", unsure="nezinu", yes="jā, tā ir"),
    _conversation("sveiki", "latviski lūdzu", "darba devejs panema manu pasi", "algu nemaksā jau divus mēnešus",
                  "vai kāds uzzinās, ka es jums rakstīju?", "kādas man te ir tiesības?", "paldies, atā"),
    # en
    _conversation(greet(), "in English please", "what number can I call", "thanks a lot", "bye"),
    _self_check("en", no="no", unsure="I don't know", yes="yes, that is true"),
    _conversation(greet("en"), "my boss took my passport and won't give it back", "they have not paid me for 2 months",
                  "will my employer find out I wrote here?", "can I stay in Latvia legally?", "ok thank you"),
    # ru
    _conversation(greet(), '/change_language{"language":"ru"}', "какой номер горячей линии?", "спасибо", "пока"),
    _self_check("ru", no="нет", unsure="не знаю", yes="да, это так"),
    _conversation("здравствуйте", "по-русски, пожалуйста", "у меня забрали паспорт", "уже три месяца не платят",
                  "говорят, что если уйду, будет хуже", "можно вернуть свои деньги?", "спасибо"),
)

STOCK: Tuple[Conversation, ...] = (
    _conversation("hello", "I am sad", "yes", "bye"),
    _conversation("hi", "I am feeling great", "bye"),
    _conversation("good morning", "not very good", "no", "goodbye"),
    _conversation("hey there", "are you a bot?", "I am fine", "see you later"),
    _conversation("hello", "very sad", "yes", "thanks, bye"),
)


@dataclass(frozen=True)
class Message:
    sender: str
    text: str
    metadata: Dict[str, str]
    fresh: bool  # the first message of its conversation


def messages(conversations: Sequence[Conversation], count: int, tag: str) -> List[Message]:
    """`count` messages from the conversations in turn (cycling), each under a new REST sender."""
    out: List[Message] = []
    for conversation in itertools.cycle(conversations):
        sender = f"rest-{tag}-{uuid.uuid4().hex[:12]}"
        for position, turn in enumerate(conversation):
            if len(out) == count:
                return out
            out.append(Message(sender, turn.text, turn.metadata, fresh=position == 0))
    return out
