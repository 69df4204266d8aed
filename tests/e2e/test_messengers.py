"""WhatsApp and Telegram end to end, against the live Rasa server, action server and portal.

WhatsApp requests are posted as Twilio posts them (signed with Twilio's own
validator) to /webhooks/whatsapp/webhook and answered in TwiML. Telegram updates
are posted with the webhook's secret token to /webhooks/telegram/webhook, and the
answers go to a local stand-in for the Bot API (tests/support/telegram.py) that
records every call: nothing leaves the machine.

On each channel: forged, unsigned and malformed requests refused with 4xx and
nothing stored; a whole self-check and handoff by buttons in two languages,
arriving in the portal with the channel; /clear on Telegram deletes every message
of the conversation from the chat and erases it; and after each conversation its
number or chat id is nowhere in clear (databases and logs, the Rasa server logging
at DEBUG so that its log names every conversation).
"""

import json
import subprocess
import time
import uuid
import xml.etree.ElementTree as ET

import pytest
import requests
from twilio.request_validator import RequestValidator

from bot.language.registry import registry
from bot.screening.indicators import indicator_set
from bot.server.channels.telegram import conversation_id as telegram_id
from bot.sms.pseudonym import whatsapp_conversation_id
from tests.support import expect, stored
from tests.support.servers import BIN, INTAKE_SECRET, REPO, PortalServer, running_servers
from tests.support.telegram import FakeBotApi, TelegramUser
from tests.support.twilio import FORM, post_sms

TWILIO_TOKEN = "e2e-twilio-auth-token"
WHATSAPP_URL = "https://paligs.example.org/webhooks/whatsapp/webhook"  # what Twilio signs, behind a proxy
OUR_WHATSAPP = "whatsapp:+37120000001"
BOT_TOKEN = "123456:e2e-bot-token"
SECRET = "e2e-telegram-secret_token-0123456789"
SENDER_KEY = "e2e-sender-key"
YES_TO = {"job_different", "pay_lower_than_promised", "excessive_hours", "bad_housing", "passport_kept", "cannot_leave"}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("messengers")
    api = FakeBotApi(BOT_TOKEN).start()
    portal = PortalServer(tmp)
    portal.start()
    env = {
        "INTAKE_URL": portal.intake_url, "INTAKE_SECRET": INTAKE_SECRET, "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "WHATSAPP_PUBLIC_URL": WHATSAPP_URL, "TWILIO_WHATSAPP_NUMBER": OUR_WHATSAPP, "SMS_RATE_LIMIT": "400",
        "TELEGRAM_BOT_TOKEN": BOT_TOKEN, "TELEGRAM_SECRET_TOKEN": SECRET, "TELEGRAM_API_URL": api.url,
        "LOG_LEVEL": "DEBUG",
    }
    try:
        with running_servers(tmp, f"sqlite:///{tmp}/tracker.db", extra_env=env) as servers:
            yield servers, portal, api
    finally:
        portal.stop()
        api.stop()


# --- helpers -----------------------------------------------------------------------------

def whatsapp_post(servers, body, phone, signature="valid", content_type=FORM, to=OUR_WHATSAPP):
    return post_sms(servers.rasa_url, TWILIO_TOKEN, WHATSAPP_URL, phone, body, signature=signature,
                    content_type=content_type, channel="whatsapp", to=to)


def whatsapp(servers, body, phone):
    """The messages of one TwiML answer, joined as the person reads them."""
    reply = whatsapp_post(servers, body, phone)
    assert reply.status_code == 200, reply.text
    assert reply.headers["Content-Type"].startswith("text/xml")
    messages = [m.text or "" for m in ET.fromstring(reply.text).iter("Message")]
    assert all(len(m) <= 1600 for m in messages)
    return "\n\n".join(messages)


def events_of(servers, sender):
    return len(stored.tracker_events(servers.log_dir / "tracker.db", sender))


def wait_for_intake(portal, reference):
    deadline = time.monotonic() + 30
    while not [r for r in portal.intakes() if r["reference"] == reference]:
        assert time.monotonic() < deadline, "the intake did not reach the portal"
        time.sleep(0.3)
    [intake] = [r for r in portal.intakes() if r["reference"] == reference]
    return intake


def assert_nowhere_in_clear(servers, me, secrets, erased=False, reference=None):
    """`secrets` (a number, a chat id) are in no database and no log; each file first
    shows that it is the one this conversation was written to."""
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
    for path in files:
        assert path.is_file(), path
        content = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in content, (path.name, secret)


def telegram_user(stack, chat_id, language_code=""):
    servers, _, api = stack
    return TelegramUser(servers.rasa_url, SECRET, api, chat_id, language_code)


# --- refused requests --------------------------------------------------------------------

@pytest.mark.parametrize("signature", [None, "bm90IGEgc2lnbmF0dXJl", "valid-but-for-another-body"])
def test_whatsapp_unsigned_or_forged_requests_get_403_and_nothing_is_stored(stack, signature):
    servers, _, _ = stack
    phone = "whatsapp:+3712600" + str(uuid.uuid4().int)[:4]
    me = whatsapp_conversation_id(SENDER_KEY, phone)
    if signature == "valid-but-for-another-body":
        params = {"From": phone, "To": OUR_WHATSAPP, "Body": "hello", "MessageSid": "SM" + uuid.uuid4().hex}
        signature = RequestValidator(TWILIO_TOKEN).compute_signature(WHATSAPP_URL, params)
        reply = whatsapp_post(servers, "delete everything", phone, signature=signature)
    else:
        reply = whatsapp_post(servers, "hello", phone, signature=signature)
    assert reply.status_code == 403
    assert events_of(servers, me) == 0
    # Positive control: the same message, signed, is stored under that conversation in that file.
    assert whatsapp(servers, "hello", phone)
    assert events_of(servers, me) > 0


@pytest.mark.parametrize(
    "body, content_type, sender, to",
    [
        (b"", FORM, None, None),
        (b"{}", "application/json", None, None),
        (b"%%%", FORM, None, None),
        (None, FORM, "+37126000901", OUR_WHATSAPP),  # an SMS number on the WhatsApp webhook
        (None, FORM, "whatsapp:+37126000902", "whatsapp:+37129999999"),  # not our number
    ],
)
def test_whatsapp_malformed_requests_get_4xx_and_nothing_is_stored(stack, body, content_type, sender, to):
    servers, _, _ = stack
    if body is None:
        reply = whatsapp_post(servers, "hello", sender, to=to)
        assert events_of(servers, whatsapp_conversation_id(SENDER_KEY, sender)) == 0
    else:
        reply = requests.post(f"{servers.rasa_url}/webhooks/whatsapp/webhook", data=body,
                              headers={"Content-Type": content_type}, timeout=30)
    assert 400 <= reply.status_code < 500, reply.status_code


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", SECRET + "x"])
def test_telegram_updates_without_the_secret_get_403_and_nothing_is_stored(stack, secret):
    servers, _, api = stack
    chat_id = 730000000000 + (uuid.uuid4().int % 10**9)
    person = telegram_user(stack, chat_id)
    mark = api.mark()
    reply = person.post(person.message_update("delete my data"), secret=secret)
    assert reply.status_code == 403
    assert events_of(servers, telegram_id(SENDER_KEY, chat_id)) == 0
    assert api.calls[mark:] == []  # nobody was answered
    # Positive control: the same update with the secret is stored under that conversation and answered.
    assert person.write("hello")
    assert events_of(servers, telegram_id(SENDER_KEY, chat_id)) > 0


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b"", "application/json"),
        (b"not json", "application/json"),
        (b"[]", "application/json"),
        (b'{"message": {"text": "hi"}}', "application/json"),  # no update_id
        (b'{"update_id": 1, "message": {"message_id": 1, "text": "hi"}}', "application/json"),  # no chat
        (b'{"update_id": 2, "message": {"message_id": 1, "chat": {"id": "x", "type": "private"}}}',
         "application/json"),
        (b'{"update_id": 3, "callback_query": {"id": "1"}}', "application/json"),  # no data
        (b"update_id=4", "application/x-www-form-urlencoded"),
    ],
)
def test_telegram_malformed_updates_get_4xx_never_500(stack, body, content_type):
    servers, _, _ = stack
    reply = requests.post(f"{servers.rasa_url}/webhooks/telegram/webhook", data=body,
                          headers={"Content-Type": content_type, "X-Telegram-Bot-Api-Secret-Token": SECRET},
                          timeout=30)
    assert 400 <= reply.status_code < 500, reply.status_code


# --- whole conversations -----------------------------------------------------------------

@pytest.mark.parametrize("lang, first", [("ru", "RU"), ("uz", "o'zbekcha")])
def test_a_whole_self_check_and_handoff_over_whatsapp(stack, lang, first):
    servers, portal, _ = stack
    phone = {"ru": "whatsapp:+37126100101", "uz": "whatsapp:+37126100102"}[lang]
    me = whatsapp_conversation_id(SENDER_KEY, phone)
    text = whatsapp(servers, first, phone)
    assert expect.response("utter_language_changed", lang, "whatsapp")["text"] in text
    menu = expect.button_titles("utter_menu", lang)
    assert f"1. {menu[0]}\n2. {menu[1]}" in text  # the menu as a numbered list, one per line
    assert expect.response("utter_ask_screening_consent", lang)["text"][:30] in whatsapp(servers, "1", phone)
    whatsapp(servers, "1", phone)  # yes, start
    whatsapp(servers, "1", phone)  # 18 or older
    whatsapp(servers, "1", phone)  # in Latvia
    text = whatsapp(servers, "1", phone)  # construction
    questions = indicator_set().for_sector("construction")
    for position, indicator in enumerate(questions, start=1):
        assert f"{position} / {len(questions)}." in text, text
        assert expect.phrase(lang, "indicator_question", indicator.question) in text
        text = whatsapp(servers, "1" if indicator.id in YES_TO else "2", phone)
    # WhatsApp gets the full texts, not SMS's short variants.
    assert expect.response("utter_result_trafficking_signs", lang)["text"] in text
    consent = whatsapp(servers, "1", phone)
    assert expect.response("utter_ask_consent_handoff", lang, "whatsapp")["text"] in consent
    whatsapp(servers, "1", phone)  # yes, I agree
    whatsapp(servers, "1", phone)  # Centrs MARTA
    whatsapp(servers, "2", phone)  # no, I will call
    done = whatsapp(servers, "1", phone)  # send
    slots = servers.tracker(me)["slots"]
    reference = slots["intake_reference"]
    assert slots["channel"] == "whatsapp" and reference and f"{reference[:4]} {reference[4:]}" in done
    intake = wait_for_intake(portal, reference)
    assert (intake["channel"], intake["language"], intake["provider"], intake["signal"]) == (
        "whatsapp", lang, "marta", "trafficking_signs")
    number = phone.removeprefix("whatsapp:")
    assert_nowhere_in_clear(servers, me, [number, number.lstrip("+"), number[-8:]], reference=reference)


def test_whatsapp_contacts_privacy_and_delete(stack):
    servers, _, _ = stack
    phone = "whatsapp:+37126100103"
    me = whatsapp_conversation_id(SENDER_KEY, phone)
    whatsapp(servers, "EN", phone)
    contacts = whatsapp(servers, "/ask_contacts", phone)
    assert "+371 28612120" in contacts and "+371 67378539" in contacts
    assert "\n*" in contacts or contacts.startswith("*")  # card headings in WhatsApp's bold
    assert expect.response("utter_privacy", "en", "whatsapp")["text"] in whatsapp(servers, "/ask_privacy", phone)
    erased = whatsapp(servers, "DELETE", phone)
    assert expect.response("utter_delete_done", "en")["text"][:30] in erased
    assert expect.response("utter_delete_chat_whatsapp", "en")["text"] in erased
    assert events_of(servers, me) == 0
    number = phone.removeprefix("whatsapp:")
    assert_nowhere_in_clear(servers, me, [number, number.lstrip("+"), number[-8:]], erased=True)


def keyboard_payloads(person):
    return [key["callback_data"] for row in person.latest_keyboard()["rows"] for key in row]


@pytest.mark.parametrize("lang, chat_id, start, language_code", [
    ("uz", 730012345601, "/start uz-emb-tashkent", "en"),  # a campaign's deep link sets the language
    ("ru", 730012345602, "/start", "ru"),  # Telegram's own language for the person
])
def test_a_whole_self_check_and_handoff_over_telegram(stack, lang, chat_id, start, language_code):
    servers, portal, api = stack
    person = telegram_user(stack, chat_id, language_code)
    me = telegram_id(SENDER_KEY, chat_id)
    person.write(start)
    assert servers.tracker(me)["slots"]["language"] == lang
    if "/start_screening" not in keyboard_payloads(person):
        person.write("/show_menu")
    person.press("/start_screening")
    assert expect.response("utter_ask_screening_consent", lang)["text"][:30] in person.text()
    person.press_nth(1)  # yes, start
    person.press_nth(1)  # 18 or older
    person.press_nth(1)  # in Latvia
    person.press_nth(1)  # construction
    questions = indicator_set().for_sector("construction")
    for position, indicator in enumerate(questions, start=1):
        text = person.text()
        assert f"{position} / {len(questions)}." in text, text
        assert expect.phrase(lang, "indicator_question", indicator.question) in text
        person.press("/affirm" if indicator.id in YES_TO else "/deny")
    assert expect.response("utter_result_trafficking_signs", lang)["text"] in person.text()
    person.press_nth(1)  # send my answers
    assert expect.response("utter_ask_consent_handoff", lang, "telegram")["text"] in person.text()
    person.press("/affirm")  # yes, I agree
    person.press_nth(2)  # Drošā māja
    person.press("/deny")  # no, I will call
    person.press("/affirm")  # send
    slots = servers.tracker(me)["slots"]
    reference = slots["intake_reference"]
    assert slots["channel"] == "telegram" and reference and f"{reference[:4]} {reference[4:]}" in person.text()
    if start.startswith("/start uz"):
        assert slots["source"] == "emb-tashkent"
    intake = wait_for_intake(portal, reference)
    assert (intake["channel"], intake["language"], intake["provider"], intake["signal"]) == (
        "telegram", lang, "drosa_maja", "trafficking_signs")
    # Every button press was acknowledged, so the person's button stops spinning.
    assert len(api.calls_of("answerCallbackQuery")) >= len(questions) + 9
    assert_nowhere_in_clear(servers, me, [str(chat_id)], reference=reference)


def test_clear_on_telegram_deletes_every_message_of_the_conversation_and_erases_it(stack):
    servers, _, api = stack
    chat_id = 730012345603
    person = telegram_user(stack, chat_id, "lv")
    me = telegram_id(SENDER_KEY, chat_id)
    person.write("/start")
    person.write("Kādas ir manas tiesības?")
    person.press("/ask_contacts") if "/ask_contacts" in keyboard_payloads(person) else person.write("/ask_contacts")
    person.write(None)  # a photo: answered with the menu, and deleted with the rest
    before = person.bot_message_ids()
    own = list(person.own_message_ids)
    assert len(before) >= 6 and events_of(servers, me) > 0
    mark = api.mark()
    replies = person.write("/clear")
    deleted = [c.params["message_id"] for c in api.calls[mark:] if c.method == "deleteMessage"]
    assert {c.params["chat_id"] for c in api.calls[mark:] if c.method == "deleteMessage"} == {chat_id}
    # Every message the bot sent and every one the person sent, the /clear itself included.
    assert sorted(deleted) == sorted(before + own + [person.own_message_ids[-1]])
    assert events_of(servers, me) == 0
    text = person.text(replies)
    assert expect.response("utter_delete_done", "lv")["text"][:30] in text
    assert expect.response("utter_delete_chat_telegram", "lv")["text"] in text
    # The confirmation came after the deleting, so it is what the chat now shows.
    assert api.calls.index(replies[0]) > max(i for i, c in enumerate(api.calls) if c.method == "deleteMessage")
    assert "erase_chat" not in text
    # The ledger now holds only the confirmation, for a later /clear.
    ledger = stored.rows(
        servers.log_dir / "tracker.db", "SELECT message_id FROM telegram_messages WHERE conversation = ?", me
    )
    assert sorted(r["message_id"] for r in ledger) == sorted(c.result["message_id"] for c in replies)
    assert_nowhere_in_clear(servers, me, [str(chat_id)], erased=True)


def test_delete_my_data_in_words_erases_the_telegram_chat_too(stack):
    servers, _, api = stack
    person = telegram_user(stack, 730012345604, "en")
    person.write("/start")
    mark = api.mark()
    person.write("please delete my data")
    assert [c for c in api.calls[mark:] if c.method == "deleteMessage"]
    assert events_of(servers, telegram_id(SENDER_KEY, 730012345604)) == 0


def test_group_chats_are_refused_politely_and_left(stack):
    servers, _, api = stack
    group = -1001234567890
    person = telegram_user(stack, group, "ru")
    mark = api.mark()
    reply = person.post(person.message_update("/start", chat_type="supergroup"))
    assert reply.status_code == 200
    calls = api.calls[mark:]
    [refusal] = [c for c in calls if c.method == "sendMessage"]
    assert refusal.params["chat_id"] == group
    assert refusal.params["text"] == expect.response("utter_telegram_private_only", "ru")["text"]
    assert [c.params["chat_id"] for c in calls if c.method == "leaveChat"] == [group]
    assert events_of(servers, telegram_id(SENDER_KEY, group)) == 0


def test_flood_control_is_waited_out_and_the_answer_still_arrives(stack):
    _, _, api = stack
    person = telegram_user(stack, 730012345605, "en")
    api.flood_next("sendMessage", times=1, retry_after=1)
    started = time.monotonic()
    replies = person.write("/start")
    assert replies and time.monotonic() - started >= 1.0
    assert any(c.method == "sendMessage" and c.result == "429" for c in api.calls)


def test_a_repeated_update_is_answered_once(stack):
    _, _, api = stack
    person = telegram_user(stack, 730012345606, "en")
    update = person.message_update("/start")
    mark = api.mark()
    assert person.post(update).status_code == 200
    first = len(api.sent_since(mark, person.chat_id))
    assert person.post(update).status_code == 200  # Telegram retrying
    assert first > 0 and len(api.sent_since(mark, person.chat_id)) == first


def test_set_webhook_registers_the_url_and_the_secret(stack, tmp_path):
    servers, _, api = stack
    url = "https://paligs.example.org/webhooks/telegram/webhook"
    env = {**servers.env, "TELEGRAM_PUBLIC_URL": url}
    mark = api.mark()
    done = subprocess.run([str(BIN / "python"), "-m", "bot", "telegram", "set-webhook"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    [call] = [c for c in api.calls[mark:] if c.method == "setWebhook"]
    assert call.params["url"] == url and call.params["secret_token"] == SECRET
    assert sorted(call.params["allowed_updates"]) == ["callback_query", "message"]
    assert SECRET not in done.stdout and BOT_TOKEN not in done.stdout
    # A webhook that Telegram could not reach safely is not registered.
    refused = subprocess.run([str(BIN / "python"), "-m", "bot", "telegram", "set-webhook", "--url", "http://x.org/"],
                             cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and "https://" in refused.stdout
    assert json.dumps(call.params)  # recorded as JSON, as Telegram receives it


LANGUAGES = sorted(registry().enabled_codes)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_on_telegram_start_privacy_emergency_and_clear(stack, lang):
    """Each enabled language through a campaign link: its own words, Telegram's variants, no fallback."""
    servers, _, _ = stack
    chat_id = 730020000000 + LANGUAGES.index(lang)
    person = telegram_user(stack, chat_id, "en")
    me = telegram_id(SENDER_KEY, chat_id)
    assert expect.response("utter_language_changed", lang)["text"] in person.text(person.write(f"/start {lang}"))
    assert servers.tracker(me)["slots"]["language"] == lang
    privacy = person.text(person.write("/privacy"))
    assert expect.response("utter_privacy", lang, "telegram")["text"] in privacy
    assert expect.response("utter_emergency", lang)["text"] in person.text(person.press("/emergency"))
    erased = person.text(person.write("/clear"))
    assert expect.response("utter_delete_done", lang)["text"] in erased
    assert expect.response("utter_delete_chat_telegram", lang)["text"] in erased
    assert events_of(servers, me) == 0


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_on_whatsapp_privacy_contacts_and_delete(stack, lang):
    servers, _, _ = stack
    phone = f"whatsapp:+371262000{LANGUAGES.index(lang):02d}"
    me = whatsapp_conversation_id(SENDER_KEY, phone)
    chosen = whatsapp(servers, f'/change_language{{"language":"{lang}"}}', phone)
    assert expect.response("utter_language_changed", lang)["text"] in chosen
    assert expect.response("utter_privacy", lang, "whatsapp")["text"] in whatsapp(servers, "/ask_privacy", phone)
    assert expect.response("utter_contacts_intro", lang)["text"] in whatsapp(servers, "/ask_contacts", phone)
    erased = whatsapp(servers, "DELETE", phone)
    assert expect.response("utter_delete_done", lang)["text"] in erased
    assert expect.response("utter_delete_chat_whatsapp", lang)["text"] in erased
    assert events_of(servers, me) == 0
