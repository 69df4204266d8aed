"""A conversation over REST with the running servers, and the steps of the self-check
(start it, answer every question), shared by the screening and handoff tests."""

from __future__ import annotations

import re
import uuid

from bot.screening.indicators import QUESTION_CONTEXT, indicator_set
from tests.support import expect
from tests.support.languages import phrases

INDICATORS = indicator_set()
QUESTION = re.compile(r"^(\d+) / (\d+)\. (.+)$", re.S)
SECTOR_NUMBER = {sector: str(n) for n, sector in enumerate(INDICATORS.sectors, start=1)}
PAYLOAD = {"yes": "/affirm", "no": "/deny", "unsure": "/unsure"}
NUMBER = {"yes": "1", "no": "2", "unsure": "3"}
WORDS = {answer: phrases(f"answer_{answer}") for answer in ("yes", "no", "unsure")}


class Chat:
    """One person's conversation over REST, started with /greet in `lang`."""

    def __init__(self, servers, lang, prefix="screen-"):
        self.servers, self.lang, self.me = servers, lang, prefix + uuid.uuid4().hex[:12]
        self.replies = servers.say(self.me, "/greet", lang=lang)

    def say(self, message):
        self.replies = self.servers.say(self.me, message)
        return self.texts

    @property
    def texts(self):
        return [r["text"] for r in self.replies if r.get("text")]

    @property
    def buttons(self):
        return [b["title"] for r in self.replies for b in r.get("buttons", [])]

    @property
    def choices(self):
        """The buttons as (title, payload)."""
        return [(b["title"], b["payload"]) for r in self.replies for b in r.get("buttons", [])]

    def tracker(self):
        return self.servers.tracker(self.me)

    def slots(self):
        return self.tracker()["slots"]

    def heard(self, response):
        return expect.text(response, self.lang) in self.texts

    def question(self):
        """(position, total, indicator id) of the question just asked, or None."""
        asked = [m for m in (QUESTION.match(t) for t in self.texts) if m]
        if not asked:
            return None
        position, total, text = asked[-1].groups()
        by_text = {
            expect.phrase(self.lang, QUESTION_CONTEXT, i.question): i.id for i in INDICATORS.indicators.values()
        }
        return int(position), int(total), by_text[text]


def start(chat, age="1", location="1", sector="construction"):
    assert chat.say("/start_screening") and chat.heard("utter_ask_screening_consent")
    assert chat.say("/affirm") and chat.heard("utter_ask_age_group")
    chat.say(age)
    assert chat.heard("utter_ask_location"), chat.texts
    chat.say(location)
    assert chat.heard("utter_ask_sector"), chat.texts
    chat.say(SECTOR_NUMBER.get(sector, sector))
    assert chat.question() is not None, chat.texts


def answer_all(chat, yes=(), unsure=(), how="buttons", until=None):
    """Answer every question (no, unless listed) and check the progress numbers."""
    positions = []
    while chat.question() and (until is None or len(positions) < until):
        position, total, indicator = chat.question()
        positions.append(position)
        answer = "yes" if indicator in yes else "unsure" if indicator in unsure else "no"
        if how == "words":
            message = WORDS[answer][chat.lang]
        else:
            message = {"buttons": PAYLOAD, "numbers": NUMBER}[how][answer]
        chat.say(message)
    if until is None:
        assert positions == list(range(positions[0], total + 1)), positions
    return positions
