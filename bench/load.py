"""Many people at once, each at a person's pace: the driver of the load and fault tests
(tests/e2e/test_load_*.py) and of `python bench/run.py load`.

Each simulated person talks to the assistant by REST or by the web chat's socket.io, in one of
the enabled languages, and pauses to read between messages:

    greeting with a language  ->  a menu choice  ->  a short self-check by buttons (consent, age,
    place, sector, a few answers, stop)  ->  for some: talk to a specialist, consent, provider,
    no contact, send

Every message is recorded: its latency, its failure (HTTP status >= 400, a timeout, a socket.io
answer that did not come within the deadline, a dropped connection), whether the person was then
shown 112 and the hotline (nginx's error page, the web chat's "connection lost" note, the refusal
text), and whether each reply is in the conversation's language and the one the script expects.
A message that failed is sent again after a pause, as the apology asks, up to `Plan.retry_pauses`
times. At the end the
references the people were shown are looked up where intakes arrive: none lost, none twice, none
that nobody was told about.

    summary = run_load(Target("https://127.0.0.1:8443", ca_file=...), Plan(people=25), intakes=...)

Pure apart from the network: no server is started here (tests/support/servers.py and
bot/tooling/production.py do that).
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import re
import ssl
import statistics
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

import aiohttp
import socketio
from babel.dates import get_day_names, get_month_names
from babel.messages.pofile import read_po

from bench.latency import percentile
from bot.contacts.book import contact_book, display_phone
from bot.i18n.catalogs import PLACEHOLDER, Catalogs
from bot.language.registry import registry
from bot.paths import LOCALES_DIR

REST_PATH = "/webhooks/rest/webhook"
SOCKET_PATH = "/socket.io"
# A reference as the person reads it: two groups of four Crockford base32 characters.
REFERENCE = re.compile(r"\b([0-9A-HJKMNP-TV-Z]{4}) ([0-9A-HJKMNP-TV-Z]{4})\b")
QUESTION = re.compile(r"^\d+ / \d+\. ", re.M)
# What a menu choice answers first (the payloads of the menu's buttons).
MENU_CHOICES = {"/ask_contacts": "utter_contacts_intro", "/ask_privacy": "utter_privacy"}
ANSWERS = ("/affirm", "/deny", "/unsure")
SECTORS = 10  # the sector question's buttons, 1 ... 10
FAILURE_EXAMPLES = 20


# --- what to run ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """Where the people write: a base URL (REST at /webhooks/rest/webhook, socket.io at /socket.io)
    and, for a self-signed certificate, the CA file to trust."""

    url: str
    ca_file: Optional[str] = None

    def ssl_context(self) -> Optional[ssl.SSLContext]:
        if not self.url.startswith("https:"):
            return None
        return ssl.create_default_context(cafile=self.ca_file) if self.ca_file else ssl.create_default_context()


@dataclass(frozen=True)
class Plan:
    """How many people, how they write, how long to wait."""

    people: int = 25
    reading_seconds: Tuple[float, float] = (1.0, 3.0)  # the pause before each message, uniform
    arrival_seconds: float = 2.0  # people start within this many seconds of each other
    socketio_share: float = 0.5  # the rest write by REST
    handoff_share: float = 0.4  # of the people, those who end by sending their answers
    answers: int = 3  # self-check questions answered before stopping
    languages: Sequence[str] = ()  # default: every enabled language, in turn
    reply_seconds: float = 40.0  # a REST answer or the end of a socket.io answer; nginx gives up at 30 s
    # After a failure the person writes again, as the apology asks ("wait a minute, then write again"),
    # after each of these pauses in turn (shortened: the tests' outages last seconds, not minutes); they
    # give up only when every attempt failed.
    retry_pauses: Tuple[float, ...] = (2.0, 6.0, 12.0)
    delivery_seconds: float = 60.0  # how long intakes may take to arrive after the last message
    seed: int = 15

    def chosen(self, share: float, index: int) -> bool:
        """Spread a share evenly over the people: person `index` is in it or not."""
        return math.floor((index + 1) * share) > math.floor(index * share)


@dataclass(frozen=True)
class Step:
    name: str
    text: str
    metadata: Mapping[str, str]
    expected: Callable[[List[str]], bool]  # the reply texts are the ones the script expects


@dataclass
class Answer:
    """One message's outcome."""

    replies: List[dict]
    failure: Optional[str] = None  # "http 502", "timeout", "unanswered", "incomplete", "disconnected", ...
    hotline_shown: bool = False  # on failure: the person was shown 112 and the hotline

    @property
    def texts(self) -> List[str]:
        return [r["text"] for r in self.replies if isinstance(r, dict) and r.get("text")]


@dataclass
class Record:
    person: int
    transport: str
    lang: str
    step: str
    sent_at: float  # seconds since the load started
    seconds: float
    failure: Optional[str]
    hotline_shown: bool
    retry: bool
    texts: List[str] = field(default_factory=list)  # the reply texts, checked for their language at the end
    off_script: bool = False


@dataclass
class Person:
    index: int
    transport: str
    lang: str
    handoff: bool
    sender: str = ""
    outcome: str = "not started"  # "finished", "off script", "gave up"
    confirmed: bool = False  # sent the final "send"
    reference: Optional[str] = None  # the one shown to the person
    told_failed: bool = False  # told that the intake could not be sent (with the hotline)


# --- which language a reply is in ----------------------------------------------------------------


class LanguageCheck:
    """Whether a reply text is in a language: covered by that language's catalog texts.

    A language's texts are what its catalog answers for every message of bot/locales/messages.pot
    (so an untranslated message, gettext's fallback to English, counts as the language's own). Every
    place where a literal piece of those texts (what lies between placeholders such as {reference})
    occurs in the reply as whole words is covered; what is left may hold numbers, punctuation, a
    reference code and words that no catalog translates (the contacts' names and addresses, Babel's
    names of days and months in that language), and no other word of three letters or more."""

    def __init__(self, languages: Iterable[str], catalogs: Optional[Catalogs] = None) -> None:
        catalogs = catalogs or Catalogs(LOCALES_DIR)
        with (LOCALES_DIR / "messages.pot").open("rb") as handle:
            template = [message for message in read_po(handle) if message.id]
        names = _words(" ".join(
            str(value) for contact in contact_book().all()
            for value in (contact.organisation, contact.address, contact.email, contact.web) if value
        ))
        self._pieces: Dict[str, List[str]] = {}
        self._neutral: Dict[str, frozenset] = {}
        for lang in languages:
            texts = set()
            for message in template:
                context = message.context or ""
                if isinstance(message.id, tuple):
                    singular, plural = message.id[:2]
                    texts.update(catalogs.npgettext(lang, context, singular, plural, n) for n in range(0, 32))
                else:
                    texts.add(catalogs.pgettext(lang, context, message.id))
            pieces = {" ".join(piece.split()) for text in texts for piece in PLACEHOLDER.split(text)[::2]}
            self._pieces[lang] = sorted(piece for piece in pieces if _words(piece, 1))
            self._neutral[lang] = names | _calendar_words(registry().get(lang).locale)

    def foreign_words(self, text: str, lang: str) -> List[str]:
        """The words of `text` that `lang`'s catalog does not account for."""
        text = REFERENCE.sub(" ", " ".join(text.split()))
        covered = bytearray(len(text))
        for piece in self._pieces[lang]:
            start = text.find(piece)
            while start != -1:
                end = start + len(piece)
                if _whole_words(text, start, end):
                    covered[start:end] = b"\1" * (end - start)
                start = text.find(piece, start + 1)
        rest = "".join(" " if covered[n] else ch for n, ch in enumerate(text))
        return [word for word in _words(rest, as_list=True) if word.lower() not in self._neutral[lang]]

    def speaks(self, text: str, lang: str) -> bool:
        return not self.foreign_words(text, lang)

    def languages_of(self, text: str) -> List[str]:
        return [lang for lang in self._pieces if self.speaks(text, lang)]


def _in_word(character: str) -> bool:
    """A letter, or a mark written with one (Devanagari and Arabic vowel signs), or a digit."""
    return unicodedata.category(character)[0] in "LMN"


def _words(text: str, shortest: int = 3, as_list: bool = False) -> Any:
    """Runs of letters and marks at least `shortest` long (digits end a word and are no word)."""
    found, current = [], []
    for character in text + " ":
        if unicodedata.category(character)[0] in "LM":
            current.append(character)
            continue
        if len(current) >= shortest:
            found.append("".join(current))
        current = []
    return found if as_list else frozenset(word.lower() for word in found)


def _whole_words(text: str, start: int, end: int) -> bool:
    """text[start:end] neither begins nor ends inside a word."""
    return not (start > 0 and _in_word(text[start - 1]) and _in_word(text[start])) and \
        not (end < len(text) and _in_word(text[end - 1]) and _in_word(text[end]))


def _calendar_words(locale: str) -> frozenset:
    words = set()
    for width in ("wide", "abbreviated"):
        for context in ("format", "stand-alone"):
            words |= _words(" ".join(get_day_names(width, context, locale).values()))
            words |= _words(" ".join(get_month_names(width, context, locale).values()))
    return frozenset(words)


@lru_cache(maxsize=1)
def _language_check() -> LanguageCheck:
    return LanguageCheck(registry().enabled_codes)


# --- the script ----------------------------------------------------------------------------------


def script(lang: str, rng: random.Random, handoff: bool, answers: int) -> List[Step]:
    """One person's messages, each with what its answer must hold (rendered from the catalogs,
    as tests/support/expect.py does)."""
    from tests.support import expect

    def said(name: str) -> Callable[[List[str]], bool]:
        wanted = expect.text(name, lang)
        return lambda texts: wanted in texts

    def starts(name: str, before: str) -> Callable[[List[str]], bool]:
        start = expect.text(name, lang).split(before)[0]
        return lambda texts: any(t.startswith(start) for t in texts)

    def asks_a_question(texts: List[str]) -> bool:
        return any(QUESTION.match(t) for t in texts)

    def shows_a_reference(texts: List[str]) -> bool:
        return starts("utter_handoff_sent", "{reference}")(texts) and any(REFERENCE.search(t) for t in texts)

    menu_choice = rng.choice(sorted(MENU_CHOICES))
    steps = [
        Step("greeting", "/greet", {"lang": lang, "src": "load"}, said("utter_menu")),
        Step("menu choice", menu_choice, {}, said(MENU_CHOICES[menu_choice])),
        Step("self-check", "/start_screening", {}, said("utter_ask_screening_consent")),
        Step("self-check consent", "/affirm", {}, said("utter_ask_age_group")),
        Step("age group", "1", {}, said("utter_ask_location")),
        Step("place", "1", {}, said("utter_ask_sector")),
        Step("sector", str(rng.randint(1, SECTORS)), {}, asks_a_question),
    ]
    steps += [Step("answer", rng.choice(ANSWERS), {}, asks_a_question) for _ in range(answers)]
    steps.append(Step("stop", "/stop", {}, said("utter_screening_stopped")))
    if handoff:
        steps += [
            Step("specialist", "/request_handoff", {}, said("utter_ask_consent_handoff")),
            Step("consent", "/affirm", {}, said("utter_ask_provider")),
            Step("provider", str(rng.randint(1, 3)), {}, said("utter_ask_contact_wanted")),
            Step("no contact", "/deny", {}, starts("utter_ask_handoff_confirmed", "{provider}")),
            Step("send", "/affirm", {}, lambda texts: shows_a_reference(texts) or said("utter_handoff_failed")(texts)),
        ]
    return steps


@lru_cache(maxsize=1)
def _hotline_digits() -> Tuple[str, str]:
    book = contact_book()
    return "112", re.sub(r"\D", "", display_phone(book["hotline"].phone))


@lru_cache(maxsize=None)
def _apology(lang: str) -> str:
    """What the web chat says when a message could not be handled (bot/server/channels/guard.py)."""
    from bot.server.channels.guard import temporarily_unavailable

    return temporarily_unavailable(lang)


def shows_hotline(body: str) -> bool:
    """Whether a page or message gives 112 and the hotline (digits compared, spaces aside)."""
    digits = re.sub(r"\D", "", body)
    emergency, hotline = _hotline_digits()
    return emergency in body and hotline in digits


# --- the two ways of writing ---------------------------------------------------------------------


class RestConversation:
    """POST /webhooks/rest/webhook, one message at a time."""

    transport = "rest"

    def __init__(self, http: aiohttp.ClientSession, target: Target, sender: str) -> None:
        self.http, self.url, self.sender = http, target.url + REST_PATH, sender

    async def open(self) -> Optional[Answer]:
        return None

    async def send(self, text: str, metadata: Mapping[str, str], seconds: float) -> Answer:
        body: Dict[str, Any] = {"sender": self.sender, "message": text}
        if metadata:
            body["metadata"] = dict(metadata)
        try:
            async with self.http.post(self.url, json=body, timeout=aiohttp.ClientTimeout(total=seconds)) as reply:
                raw = await reply.text()
                if reply.status >= 400:
                    return Answer([], f"http {reply.status}", hotline_shown=shows_hotline(raw))
        except asyncio.TimeoutError:
            return Answer([], "timeout")
        except aiohttp.ClientError as error:
            return Answer([], f"connection: {type(error).__name__}")
        try:
            replies = json.loads(raw)
        except ValueError:
            return Answer([], "not JSON")
        return Answer(replies if isinstance(replies, list) else [], None if isinstance(replies, list) else "not a list")

    async def close(self) -> None:
        pass


_DISCONNECTED = object()


class SocketConversation:
    """The web chat's socket.io, as chat.js speaks it: a session the server issues, `user_uttered`
    out, `bot_uttered` back. An answer ends with its choices (every answer in the script offers
    buttons); after a dropped connection the person reconnects with the same session, as the widget
    does, having been shown its "connection lost" note with 112 and the hotline."""

    transport = "socketio"

    def __init__(self, target: Target, lang: str) -> None:
        self.target, self.lang = target, lang
        self.session_id: Optional[str] = None
        self.client: Optional[socketio.AsyncClient] = None
        self.http: Optional[aiohttp.ClientSession] = None
        self.replies: asyncio.Queue = asyncio.Queue()
        self.reconnections = 0  # each time the widget would have shown "connection lost" and reconnected

    async def open(self, seconds: float = 20.0) -> Optional[Answer]:
        """Connect and get a session (the same one again after a reconnection); None when it
        worked, else what failed."""
        await self._drop()
        if self.session_id is not None:
            self.reconnections += 1
        _allow_engineio_websockets()
        context = self.target.ssl_context()
        self.http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=context if context else False))
        confirmed: asyncio.Queue = asyncio.Queue()
        self.replies = asyncio.Queue()
        client = socketio.AsyncClient(reconnection=False, http_session=self.http, handle_sigint=False,
                                      websocket_extra_options={"ssl": context} if context else {})
        client.on("bot_uttered", self.replies.put_nowait)
        client.on("session_confirm", confirmed.put_nowait)
        client.on("disconnect", lambda: self.replies.put_nowait(_DISCONNECTED))
        self.client = client
        try:
            await client.connect(self.target.url, socketio_path=SOCKET_PATH, transports=["websocket"],
                                 wait_timeout=seconds)
            await client.emit("session_request", {"session_id": self.session_id})
            session_id = await asyncio.wait_for(confirmed.get(), seconds)
        except (socketio.exceptions.ConnectionError, asyncio.TimeoutError, aiohttp.ClientError, OSError) as error:
            await self._drop()
            return Answer([], f"connect: {type(error).__name__}", hotline_shown=True)
        if self.session_id is not None and session_id != self.session_id:
            return Answer([], "session lost", hotline_shown=True)
        self.session_id = session_id
        return None

    async def send(self, text: str, metadata: Mapping[str, str], seconds: float) -> Answer:
        if self.client is None or not self.client.connected:
            failed = await self.open()
            if failed:
                return failed
        while not self.replies.empty():  # late replies to an earlier message: not this one's
            self.replies.get_nowait()
        payload = {"message": text, "session_id": self.session_id, "metadata": {"lang": self.lang, **metadata}}
        got: List[dict] = []
        deadline = time.monotonic() + seconds
        try:
            await self.client.emit("user_uttered", payload)
            while True:
                reply = await asyncio.wait_for(self.replies.get(), max(0.0, deadline - time.monotonic()))
                if reply is _DISCONNECTED:
                    await self._drop()
                    return Answer(got, "disconnected", hotline_shown=True)
                got.append(reply)
                if isinstance(reply, dict) and reply.get("text") == _apology(self.lang):
                    # the server could not handle it and said so (with 112 and the hotline)
                    return Answer(got, "unavailable", hotline_shown=shows_hotline(reply["text"]))
                if isinstance(reply, dict) and (reply.get("quick_replies") or reply.get("buttons")):
                    return Answer(got)
        except asyncio.TimeoutError:
            return Answer(got, "incomplete" if got else "unanswered")
        except socketio.exceptions.SocketIOError:
            await self._drop()
            return Answer(got, "disconnected", hotline_shown=True)

    async def _drop(self) -> None:
        if self.client is not None:
            try:
                await self.client.disconnect()
            except Exception:  # noqa: BLE001 - already gone
                pass
            self.client = None
        if self.http is not None:
            await self.http.close()
            self.http = None

    async def close(self) -> None:
        await self._drop()


def _allow_engineio_websockets() -> None:
    """python-engineio 4.15 (the lock's, with python-socketio 5.9.0) builds its WebSocket timeout
    with aiohttp.ClientWSTimeout, which aiohttp 3.9 (Rasa 3.6's pin) does not have yet; that
    aiohttp takes the same close timeout as a number. Only this client process is affected."""
    if not hasattr(aiohttp, "ClientWSTimeout"):
        aiohttp.ClientWSTimeout = lambda ws_close=10.0, ws_receive=None: ws_close  # type: ignore[attr-defined]


# --- one person, many people ---------------------------------------------------------------------


class Load:
    """The people of one run and everything they saw."""

    def __init__(self, target: Target, plan: Plan) -> None:
        self.target, self.plan = target, plan
        self.languages = list(plan.languages or registry().enabled_codes)
        not_enabled = set(self.languages) - set(registry().enabled_codes)
        if not_enabled:
            raise ValueError(f"not enabled in languages.yml: {', '.join(sorted(not_enabled))}")
        self.check = _language_check()
        self.records: List[Record] = []
        self.people: List[Person] = []
        self.events: List[Tuple[float, str]] = []
        self.reconnections = 0
        self.started = time.monotonic()
        tag = f"{time.time_ns():x}"[-8:]
        for index in range(plan.people):
            transport = "socketio" if plan.chosen(plan.socketio_share, index) else "rest"
            self.people.append(Person(index, transport, self.languages[index % len(self.languages)],
                                      plan.chosen(plan.handoff_share, index // 2), sender=f"load-{tag}-{index:04d}"))

    def now(self) -> float:
        return time.monotonic() - self.started

    async def person(self, person: Person, http: aiohttp.ClientSession) -> None:
        plan = self.plan
        rng = random.Random(plan.seed * 100_003 + person.index)
        steps = script(person.lang, rng, person.handoff, plan.answers)
        await asyncio.sleep(rng.uniform(0, plan.arrival_seconds))
        conversation = (SocketConversation(self.target, person.lang) if person.transport == "socketio"
                        else RestConversation(http, self.target, person.sender))
        person.outcome = "started"
        try:
            failed = await conversation.open()
            if failed:
                self._record(person, Step("connect", "", {}, lambda _: True), self.now(), 0.0, failed, retry=False)
                await asyncio.sleep(rng.uniform(*plan.reading_seconds))
                if await conversation.open():
                    person.outcome = "gave up"
                    return
            for number, step in enumerate(steps):
                if number:
                    await asyncio.sleep(rng.uniform(*plan.reading_seconds))
                answer = await self._send(person, conversation, step, retry=False)
                for pause in plan.retry_pauses:  # as the apology asks: wait, then write again
                    if not answer.failure:
                        break
                    await asyncio.sleep(pause)
                    answer = await self._send(person, conversation, step, retry=True)
                if answer.failure:
                    person.outcome = "gave up"
                    return
                if step.name == "send":
                    person.confirmed = True
                    found = [m for m in (REFERENCE.search(t) for t in answer.texts) if m]
                    person.reference = found[-1].group(1) + found[-1].group(2) if found else None
                    person.told_failed = person.reference is None
                if not step.expected(answer.texts):
                    person.outcome = "off script"
                    return
            person.outcome = "finished"
        finally:
            self.reconnections += getattr(conversation, "reconnections", 0)
            await conversation.close()

    async def _send(self, person: Person, conversation: Any, step: Step, retry: bool) -> Answer:
        sent_at = self.now()
        started = time.perf_counter()
        answer = await conversation.send(step.text, step.metadata, self.plan.reply_seconds)
        seconds = time.perf_counter() - started
        record = self._record(person, step, sent_at, seconds, answer, retry)
        record.texts = answer.texts
        record.off_script = not answer.failure and not step.expected(answer.texts)
        return answer

    def _record(self, person: Person, step: Step, sent_at: float, seconds: float, answer: Answer,
                retry: bool) -> Record:
        record = Record(person.index, person.transport, person.lang, step.name, round(sent_at, 3), seconds,
                        answer.failure, answer.hotline_shown, retry)
        self.records.append(record)
        return record

    async def at(self, seconds: float, label: str, action: Callable[[], Any]) -> None:
        """Run a blocking `action` (stop a process, say) `seconds` after the start, in a thread."""
        await asyncio.sleep(max(0.0, seconds - self.now()))
        self.events.append((round(self.now(), 2), f"{label} (start)"))
        await asyncio.to_thread(action)
        self.events.append((round(self.now(), 2), f"{label} (done)"))

    async def run(self, during: Sequence[Tuple[float, str, Callable[[], Any]]] = ()) -> None:
        context = self.target.ssl_context()
        connector = aiohttp.TCPConnector(ssl=context if context else False, limit=0)
        async with aiohttp.ClientSession(connector=connector) as http:
            faults = [asyncio.create_task(self.at(*event)) for event in during]
            await asyncio.gather(*(self.person(person, http) for person in self.people))
            self.events.append((round(self.now(), 2), "last person done"))
            await asyncio.gather(*faults)


# --- intakes and the summary ---------------------------------------------------------------------

IntakeReader = Callable[[], Sequence[str]]  # the reference of every intake stored, one per row


def intake_accounting(shown: Sequence[str], before: Sequence[str], after: Sequence[str]) -> Dict[str, int]:
    """Compare the references people were shown with the intakes that arrived during the run
    (`after` minus `before`): lost = shown but not there; duplicated = there more than once, or
    there although nobody was shown it (an intake sent twice for one person)."""
    arrived = Counter(after) - Counter(before)
    expected = set(shown)
    return {
        "expected": len(expected),
        "delivered": len(expected & set(arrived)),
        "lost": len(expected - set(arrived)),
        "duplicated": sum(n - 1 for n in arrived.values()) + len(set(arrived) - expected),
    }


def wait_for_intakes(shown: Sequence[str], before: Sequence[str], read: IntakeReader,
                     seconds: float) -> Tuple[Dict[str, int], float]:
    """Poll until every shown reference has arrived (or `seconds` pass); the accounting and how
    long it took."""
    started = time.monotonic()
    while True:
        accounting = intake_accounting(shown, before, read())
        if accounting["lost"] == 0 or time.monotonic() - started > seconds:
            return accounting, round(time.monotonic() - started, 1)
        time.sleep(0.5)


def summarise(load: Load, seconds: float) -> Dict[str, Any]:
    records, people = load.records, load.people
    answered = [r.seconds for r in records if not r.failure]
    failures = [r for r in records if r.failure]
    wrong = [(r, text) for r in records for text in r.texts if not load.check.speaks(text, r.lang)]
    latency = {"p50_ms": round(statistics.median(answered) * 1000, 1),
               "p95_ms": round(percentile(answered, 0.95) * 1000, 1),
               "max_ms": round(max(answered) * 1000, 1)} if answered else {}
    return {
        "people": len(people),
        "by_transport": dict(Counter(p.transport for p in people)),
        "languages": dict(Counter(p.lang for p in people)),
        "seconds": round(seconds, 1),
        "messages": len(records),
        "throughput_msgs_per_s": round(len(records) / seconds, 2) if seconds else 0.0,
        "latency": latency,
        "latency_by_transport": {
            transport: {"p50_ms": round(statistics.median(values) * 1000, 1),
                        "p95_ms": round(percentile(values, 0.95) * 1000, 1)}
            for transport in ("rest", "socketio")
            if (values := [r.seconds for r in records if r.transport == transport and not r.failure])
        },
        "errors": len(failures),
        "errors_by_kind": dict(Counter(r.failure for r in failures)),
        "errors_without_hotline": sum(1 for r in failures if not r.hotline_shown),
        "errors_without_hotline_by_kind": dict(Counter(r.failure for r in failures if not r.hotline_shown)),
        "unanswered": sum(1 for r in failures if r.failure in ("unanswered", "incomplete", "timeout")),
        "retries": sum(1 for r in records if r.retry),
        "socketio_reconnections": load.reconnections,
        "wrong_language": len(wrong),
        "off_script": sum(1 for r in records if r.off_script),
        "outcomes": dict(Counter(p.outcome for p in people)),
        "failure_examples": [
            {"at": r.sent_at, "person": r.person, "transport": r.transport, "step": r.step, "failure": r.failure,
             "hotline_shown": r.hotline_shown, "retry": r.retry}
            for r in failures[:FAILURE_EXAMPLES]
        ],
        "wrong_language_examples": [
            {"person": r.person, "lang": r.lang, "step": r.step, "text": text[:120],
             "foreign_words": load.check.foreign_words(text, r.lang)[:8], "reads_as": load.check.languages_of(text)}
            for r, text in wrong[:FAILURE_EXAMPLES]
        ],
        "events": load.events,
    }


def run_load(
    target: Target,
    plan: Plan,
    intakes: Optional[IntakeReader] = None,
    during: Sequence[Tuple[float, str, Callable[[], Any]]] = (),
    before_delivery: Optional[Callable[[List[str]], Any]] = None,
) -> Dict[str, Any]:
    """Run the people to the end and return the summary (see summarise), with the intakes when
    `intakes` reads them. `during`: (seconds after the start, label, blocking action) to run while
    the people write, e.g. stopping a process. `before_delivery`: a blocking action after the last
    person and before waiting for the intakes, given the references the people were shown (start
    the portal again, say)."""
    before = list(intakes()) if intakes else []
    load = Load(target, plan)
    started = time.monotonic()
    asyncio.run(load.run(during))
    seconds = time.monotonic() - started
    summary = summarise(load, seconds)
    shown = [p.reference for p in load.people if p.reference]
    summary["handoffs"] = {
        "planned": sum(1 for p in load.people if p.handoff),
        "confirmed": sum(1 for p in load.people if p.confirmed),
        "shown_a_reference": len(shown),
        "told_it_failed": sum(1 for p in load.people if p.told_failed),
    }
    if before_delivery is not None:
        before_delivery(shown)
        load.events.append((round(load.now(), 2), "before delivery done"))
    if intakes is not None:
        accounting, waited = wait_for_intakes(shown, before, intakes, plan.delivery_seconds)
        summary["intakes"] = {**accounting, "seconds_to_arrive": waited}
    summary["people_detail"] = [
        {"person": p.index, "transport": p.transport, "lang": p.lang, "handoff": p.handoff, "outcome": p.outcome,
         "reference": p.reference}
        for p in load.people
    ]
    return summary


def brief(summary: Mapping[str, Any]) -> str:
    """One paragraph for a test's output or a bench log."""
    keys = ("people", "messages", "seconds", "throughput_msgs_per_s", "latency", "errors", "errors_by_kind",
            "errors_without_hotline", "unanswered", "socketio_reconnections", "wrong_language", "off_script",
            "outcomes", "handoffs", "intakes", "events")
    return json.dumps({k: summary[k] for k in keys if k in summary}, ensure_ascii=False)
