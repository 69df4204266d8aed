"""SMS end to end: requests signed with Twilio's own validator, posted to the live
Rasa server's /webhooks/sms/webhook, answered in TwiML. A whole self-check and
handoff in Russian; forged and unsigned requests refused with nothing stored;
after each conversation its phone number is nowhere in clear: not in the
databases, not in the logs (the Rasa server logs at DEBUG here, so that its log
names every conversation)."""

import re
import time
import uuid
import xml.etree.ElementTree as ET

import pytest
import requests
from twilio.request_validator import RequestValidator

from bot.screening.indicators import indicator_set
from bot.sms.pseudonym import conversation_id
from bot.sms.segments import gsm7_substitutes, segments
from tests.support import expect, stored
from tests.support.servers import INTAKE_SECRET, PortalServer, running_servers
from tests.support.twilio import FORM, post_sms

TOKEN = "e2e-twilio-auth-token"
PUBLIC_URL = "https://paligs.example.org/webhooks/sms/webhook"  # what Twilio signs, behind a proxy
PHONE = "+37126123456"
SENDER_KEY = "e2e-sender-key"
MAX_SEGMENTS = 10


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sms")
    portal = PortalServer(tmp)
    portal.start()
    env = {
        "INTAKE_URL": portal.intake_url, "INTAKE_SECRET": INTAKE_SECRET, "TWILIO_AUTH_TOKEN": TOKEN,
        "SMS_PUBLIC_URL": PUBLIC_URL, "SMS_MAX_SEGMENTS": str(MAX_SEGMENTS), "SMS_RATE_LIMIT": "200",
        "LOG_LEVEL": "DEBUG",
    }
    try:
        with running_servers(tmp, f"sqlite:///{tmp}/tracker.db", extra_env=env) as servers:
            yield servers, portal
    finally:
        portal.stop()


def sms_text(name, lang):
    """A response as the SMS channel renders it (its `channels: sms` variant when there is one)."""
    return expect.response(name, lang, "sms")["text"]


def plain(text):
    """Text as the SMS channel sends it: typographic marks made GSM-7 ("oʻ" is "o'")."""
    return gsm7_substitutes(text)


def post(servers, body, phone=PHONE, signature="valid", content_type=FORM):
    return post_sms(servers.rasa_url, TOKEN, PUBLIC_URL, phone, body, signature=signature, content_type=content_type)


def sms(servers, body, phone=PHONE):
    reply = post(servers, body, phone)
    assert reply.status_code == 200, reply.text
    assert reply.headers["Content-Type"].startswith("text/xml")
    messages = [m.text or "" for m in ET.fromstring(reply.text).iter("Message")]
    assert len(messages) <= 1
    text = messages[0] if messages else ""
    assert len(segments(text)) <= MAX_SEGMENTS
    return text


def events_of(servers, sender):
    """How many events the tracker store file holds for a conversation (read-only)."""
    return len(stored.tracker_events(servers.log_dir / "tracker.db", sender))


def assert_nowhere_in_clear(servers, phone, erased=False, reference=None):
    """The number is in no database and no log; each file first shows that it is the
    one this conversation was written to."""
    me = conversation_id(SENDER_KEY, phone)
    tracker_db, outbox_db, portal_db = (servers.log_dir / name for name in ("tracker.db", "outbox.db", "portal.db"))
    if not erased:
        assert events_of(servers, me) > 0
    assert me in stored.log_text(servers.log_dir / "rasa.log")
    if reference:
        assert stored.rows(outbox_db, "SELECT kind FROM outbox WHERE reference = ?", reference) == [{"kind": "intake"}]
        assert len(stored.rows(portal_db, "SELECT * FROM intakes WHERE reference = ?", reference)) == 1
        deadline = time.monotonic() + 30  # logged once the intake service has answered
        while f"intake {reference} delivered" not in stored.log_text(servers.log_dir / "actions.log"):
            assert time.monotonic() < deadline, "the action server did not log the delivery"
            time.sleep(0.3)
    files = [tracker_db, outbox_db, portal_db, *sorted(servers.log_dir.glob("*.log"))]
    assert {"rasa.log", "actions.log", "portal.log"} <= {path.name for path in files}
    numbers = [phone, phone.lstrip("+"), phone[-8:]]
    for path in files:
        assert path.is_file(), path
        content = path.read_bytes()
        for number in numbers:
            assert number.encode() not in content, (path.name, number)


@pytest.mark.parametrize(
    "signature, phone",
    [(None, "+37126000111"), ("bm90IGEgc2lnbmF0dXJl", "+37126000112"), ("valid-but-for-another-body", "+37126000113")],
)
def test_unsigned_or_forged_requests_get_403_and_nothing_is_stored(stack, signature, phone):
    servers, _ = stack
    me = conversation_id(SENDER_KEY, phone)
    if signature == "valid-but-for-another-body":
        params = {"From": phone, "To": "+37120000000", "Body": "hello", "MessageSid": "SM" + uuid.uuid4().hex}
        signature = RequestValidator(TOKEN).compute_signature(PUBLIC_URL, params)
        reply = post(servers, "delete everything", phone=phone, signature=signature)
    else:
        reply = post(servers, "hello", phone=phone, signature=signature)
    assert reply.status_code == 403
    assert events_of(servers, me) == 0
    # Positive control: the same message, signed, is stored under that conversation in that file.
    sms(servers, "hello", phone)
    assert events_of(servers, me) > 0


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"", "application/x-www-form-urlencoded"),
        (b"{}", "application/json"),
        (b"%%%", "application/x-www-form-urlencoded"),
    ],
)
def test_malformed_requests_get_4xx_never_500(stack, body, content_type):
    servers, _ = stack
    reply = requests.post(
        f"{servers.rasa_url}/webhooks/sms/webhook", data=body, headers={"Content-Type": content_type}, timeout=30
    )
    assert 400 <= reply.status_code < 500


def test_a_whole_self_check_and_handoff_over_sms_in_russian(stack):
    servers, portal = stack
    me = conversation_id(SENDER_KEY, PHONE)
    first = sms(servers, "RU")
    assert sms_text("utter_language_changed", "ru") in first
    assert "1 " in first and "  2 " in first  # the menu as one numbered line
    assert sms_text("utter_ask_screening_consent", "ru")[:30] in sms(servers, "1")
    sms(servers, "1")  # yes, start
    sms(servers, "1")  # 18 or older
    sms(servers, "1")  # in Latvia
    text = sms(servers, "1")  # construction
    questions = indicator_set().for_sector("construction")
    yes = {
        "job_different", "pay_lower_than_promised", "excessive_hours", "bad_housing", "passport_kept", "cannot_leave"
    }
    for position, indicator in enumerate(questions, start=1):
        assert f"{position} / {len(questions)}." in text, text
        assert expect.phrase("ru", "indicator_question", indicator.question) in text
        text = sms(servers, "1" if indicator.id in yes else "2")
    assert sms_text("utter_result_trafficking_signs", "ru")[:40] in text
    slots = servers.tracker(me)["slots"]
    assert slots["channel"] == "sms" and slots["screening_signal"] == "trafficking_signs"
    # The result's first button sends the answers: consent, provider, no contact, send.
    assert sms_text("utter_ask_consent_handoff", "ru")[:30] in sms(servers, "1")
    sms(servers, "1")  # yes, I agree
    sms(servers, "2")  # Drošā māja
    sms(servers, "2")  # no, I will call
    done = sms(servers, "1")  # send
    reference = servers.tracker(me)["slots"]["intake_reference"]
    assert reference and f"{reference[:4]} {reference[4:]}" in done
    deadline = time.monotonic() + 30
    while not [r for r in portal.intakes() if r["reference"] == reference] and time.monotonic() < deadline:
        time.sleep(0.3)
    [intake] = [r for r in portal.intakes() if r["reference"] == reference]
    assert (intake["channel"], intake["language"], intake["provider"], intake["signal"]) == (
        "sms", "ru", "drosa_maja", "trafficking_signs")
    assert_nowhere_in_clear(servers, PHONE, reference=reference)


def test_keywords_menu_language_and_help(stack):
    servers, _ = stack
    phone = "+37126000222"
    assert sms_text("utter_language_changed", "lv") in sms(servers, "lv", phone)
    assert sms_text("utter_menu", "lv")[:20] in sms(servers, "0", phone)
    assert sms_text("utter_menu", "lv")[:20] in sms(servers, "PALĪGS", phone)
    assert sms_text("utter_emergency", "lv")[:30] in sms(servers, "mani sit, palīgā", phone)
    assert_nowhere_in_clear(servers, phone)


def test_delete_erases_the_sms_conversation(stack):
    servers, _ = stack
    phone = "+37126000333"
    sms(servers, "EN", phone)
    assert events_of(servers, conversation_id(SENDER_KEY, phone)) > 0
    reply = sms(servers, "DELETE", phone)
    assert sms_text("utter_delete_done", "en")[:30] in reply
    assert events_of(servers, conversation_id(SENDER_KEY, phone)) == 0
    assert_nowhere_in_clear(servers, phone, erased=True)


def test_contacts_rights_and_a_job_offer_over_sms(stack):
    servers, _ = stack
    phone = "+37126000555"
    sms(servers, "EN", phone)
    contacts = sms(servers, "/ask_contacts", phone)
    assert "+371 28612120" in contacts and "+371 67378539" in contacts and "+371 67898343" in contacts
    topics = sms(servers, "/ask_rights", phone)
    assert sms_text("utter_rights_menu", "en") in topics and "11 " in topics
    assert "30 days" in sms(servers, "1", phone)  # the first topic: the reflection period
    offer = sms(servers, "/ask_job_offer", phone)
    for _ in range(8):
        assert re.search(r"\d / 8\.", offer), offer
        offer = sms(servers, "2", phone)
    assert sms_text("utter_job_offer_result_low", "en")[:30] in offer
    assert_nowhere_in_clear(servers, phone)


def test_stop_is_left_to_twilio(stack):
    servers, _ = stack
    assert sms(servers, "STOP", "+37126000444") == ""


# How people type Uzbek and Hindi on a phone without the script's keyboard: the
# language's name as a keyword, then Latin letters only.
ROMANIZED = {
    "uz": {
        "language": "ozbekcha",
        "passport": "xojayin pasportimni olib qoydi, bermayapti",
        "emergency": "yordam bering meni urishyapti",
        "delete": "ochirish",
    },
    "hi": {
        "language": "hindi",
        "passport": "malik ne mera passport le liya aur wapas nahi de raha",
        "emergency": "bachao mujhe maar rahe hain",
        "delete": "hatao",
    },
}


@pytest.mark.parametrize("lang", sorted(ROMANIZED))
def test_romanized_uzbek_and_hindi_over_sms(stack, lang):
    """A report, a self-check by numbers to its signal, an emergency and DELETE, typed in Latin letters."""
    servers, _ = stack
    phone = {"uz": "+37126000661", "hi": "+37126000662"}[lang]
    me = conversation_id(SENDER_KEY, phone)
    said = ROMANIZED[lang]
    assert plain(sms_text("utter_language_changed", lang)) in plain(sms(servers, said["language"], phone))
    assert servers.tracker(me)["slots"]["language"] == lang
    passport_kept = indicator_set().indicators["passport_kept"]
    acknowledged = sms(servers, said["passport"], phone)
    assert expect.phrase(lang, "indicator_acknowledgement", passport_kept.acknowledgement) in acknowledged
    assert servers.tracker(me)["slots"]["indicator_passport_kept"] == "yes"
    sms(servers, "1", phone)  # yes, check my situation
    sms(servers, "1", phone)  # yes, I agree
    sms(servers, "1", phone)  # 18 or older
    sms(servers, "1", phone)  # in Latvia
    text = sms(servers, "1", phone)  # construction
    asked = [i for i in indicator_set().for_sector("construction") if i.id != "passport_kept"]
    for position, indicator in enumerate(asked, start=1):
        assert f"{position} / {len(asked)}." in text, text
        assert plain(expect.phrase(lang, "indicator_question", indicator.question)) in plain(text)
        text = sms(servers, "1" if indicator.id == "excessive_hours" else "2", phone)
    assert servers.tracker(me)["slots"]["screening_signal"] == "exploitation_signs"
    assert plain(sms_text("utter_emergency", lang))[:30] in plain(sms(servers, said["emergency"], phone))
    assert plain(sms_text("utter_delete_done", lang))[:30] in plain(sms(servers, said["delete"], phone))
    assert events_of(servers, me) == 0
    assert_nowhere_in_clear(servers, phone, erased=True)


def test_a_campaign_keyword_as_the_first_sms_sets_the_campaign_and_its_language(stack):
    servers, _ = stack
    phone = "+37126000777"
    me = conversation_id(SENDER_KEY, phone)
    reply = sms(servers, "uz1", phone)  # the Tashkent embassy poster's keyword, in any case
    assert plain(sms_text("utter_language_changed", "uz")) in plain(reply)
    slots = servers.tracker(me)["slots"]
    assert (slots["source"], slots["language"], slots["channel"]) == ("emb-tashkent", "uz", "sms")
    assert_nowhere_in_clear(servers, phone)
