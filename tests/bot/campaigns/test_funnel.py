"""The funnel's pure rules: the week, the closed dimensions, which messages are the person's
own, and when first_message is counted."""

import datetime as dt

import pytest

from bot.campaigns.funnel import (
    CHAT_OPENED,
    DIRECT,
    FIRST_MESSAGE,
    STEPS,
    FunnelKey,
    campaign_of,
    first_message_in,
    funnel_key,
    is_new_conversation,
    is_own_message,
    iso_week,
    screening_finished,
)
from bot.campaigns.registry import OTHER, campaigns
from bot.language.registry import registry
from bot.settings import load_settings, sibling_url

RIGA = "Europe/Riga"
UTC = dt.timezone.utc
REGISTERED = frozenset(campaigns().by_code)
LANGUAGES = frozenset(registry().enabled_codes)


def test_the_steps_are_the_portals_names():
    assert STEPS == (
        "chat_opened", "first_message", "screening_started",
        "screening_finished_trafficking_signs", "screening_finished_forced_labour_signs",
        "screening_finished_exploitation_signs", "screening_finished_few_signs",
        "rights_topic_opened", "job_offer_finished", "handoff_sent", "emergency_shown",
    )


@pytest.mark.parametrize(
    "moment, week",
    [
        # Sunday 23:30 and Monday 00:30 in Riga (UTC+2 in winter) are different weeks...
        (dt.datetime(2026, 12, 6, 21, 30, tzinfo=UTC), "2026-W49"),
        (dt.datetime(2026, 12, 6, 22, 30, tzinfo=UTC), "2026-W50"),
        # ... and in summer (UTC+3), the same hour in UTC is already Monday in Riga.
        (dt.datetime(2026, 6, 7, 20, 30, tzinfo=UTC), "2026-W23"),
        (dt.datetime(2026, 6, 7, 21, 30, tzinfo=UTC), "2026-W24"),
        # a naive time is UTC
        (dt.datetime(2026, 12, 6, 22, 30), "2026-W50"),
        # ISO years: 2026 has 53 weeks, 1 January 2027 is in its last; 30 December 2024 in 2025's first
        (dt.datetime(2026, 12, 31, 12, 0, tzinfo=UTC), "2026-W53"),
        (dt.datetime(2027, 1, 1, 12, 0, tzinfo=UTC), "2026-W53"),
        (dt.datetime(2027, 1, 3, 22, 30, tzinfo=UTC), "2027-W01"),  # Monday 4 January in Riga
        (dt.datetime(2024, 12, 30, 12, 0, tzinfo=UTC), "2025-W01"),
        (dt.datetime(2026, 1, 5, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))), "2026-W02"),
    ],
)
def test_the_iso_week_on_rigas_calendar(moment, week):
    assert iso_week(moment, RIGA) == week


def test_the_same_moment_on_another_calendar():
    sunday_night_in_riga = dt.datetime(2026, 12, 6, 22, 30, tzinfo=UTC)
    assert (iso_week(sunday_night_in_riga, RIGA), iso_week(sunday_night_in_riga, "UTC")) == ("2026-W50", "2026-W49")


@pytest.mark.parametrize(
    "source, counted",
    [
        ("emb-tashkent", "emb-tashkent"),
        ("EMB-Tashkent ", "emb-tashkent"),
        (OTHER, OTHER),  # what session start keeps for an unregistered src
        ("emb-nowhere", OTHER),  # a campaign no longer registered
        ("call 26123456", OTHER),  # words in a slot never become a row
        ("direct", OTHER),  # only an empty source is direct
        (None, DIRECT),
        ("", DIRECT),
        ("  ", DIRECT),
    ],
)
def test_the_campaign_is_a_registered_code_other_or_direct(source, counted):
    assert campaign_of(source, REGISTERED) == counted


WEEK = "2026-W49"


@pytest.mark.parametrize(
    "slots, expected",
    [
        ({"language": "uz", "channel": "web", "source": "emb-tashkent"},
         FunnelKey(WEEK, "emb-tashkent", "uz", "web", CHAT_OPENED)),
        ({"language": "lv", "channel": "sms"}, FunnelKey(WEEK, DIRECT, "lv", "sms", CHAT_OPENED)),
        ({"language": "ur", "channel": "telegram", "source": "x"},
         FunnelKey(WEEK, OTHER, "ur", "telegram", CHAT_OPENED)),
        # skipped, never written as they are: a language or channel outside our sets, or none
        ({"language": "de", "channel": "web"}, None),
        ({"language": "uz<script>", "channel": "web"}, None),
        ({"channel": "web"}, None),
        ({"language": "uz", "channel": "socketio"}, None),  # Rasa's name for the web chat is no channel of ours
        ({"language": "uz", "channel": "facebook"}, None),
        ({"language": "uz"}, None),  # Rasa's HTTP API: no channel set
    ],
)
def test_the_counter_a_step_goes_to(slots, expected):
    assert funnel_key(CHAT_OPENED, slots, WEEK, REGISTERED, LANGUAGES) == expected


def test_an_unknown_step_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown funnel step"):
        funnel_key("chat_closed", {"language": "lv", "channel": "web"}, WEEK, REGISTERED, LANGUAGES)


@pytest.mark.parametrize("signal", ["trafficking_signs", "forced_labour_signs", "exploitation_signs", "few_signs"])
def test_each_screening_signal_has_its_step(signal):
    assert screening_finished(signal) in STEPS


def user(text):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": "x"}}}


@pytest.mark.parametrize(
    "event, own",
    [
        (user("/greet"), False),  # what the web widget sends when it opens (bot/web/chat.js)
        (user(" /greet "), False),
        (user('/change_language{"language":"ru"}'), False),  # the language menu, a /start deep link, an SMS keyword
        (user("/change_language"), False),
        (user(""), False),
        (user(None), False),
        (user("hello"), True),  # typed, even a greeting: the person wrote it
        (user("they took my passport"), True),
        (user("/start_screening"), True),  # a button the person pressed
        (user("/ask_contacts"), True),
        (user("/show_menu"), True),  # "menu" by SMS, a photo on Telegram
        (user("/emergency"), True),
        (user("speak Russian"), True),  # asking in words is writing
        ({"event": "bot", "text": "Hello"}, False),
        ({"event": "action", "name": "action_greet"}, False),
    ],
)
def test_which_messages_are_the_persons_own(event, own):
    assert is_own_message(event) is own


@pytest.mark.parametrize(
    "events, new",
    [
        ([], True),
        ([{"event": "slot", "name": "session_started_metadata", "value": {"src": "x"}}], True),
        ([{"event": "action", "name": "action_session_start"}, {"event": "session_started"}, user("/greet"),
          {"event": "action", "name": "action_greet"}], False),  # a later session of the same conversation
    ],
)
def test_a_conversation_opens_once(events, new):
    assert is_new_conversation(events) is new


SESSION = {"event": "session_started"}


def said(text):
    return {"event": "user", "text": text}


@pytest.mark.parametrize(
    "earlier, new, counted",
    [
        # web: the widget's /greet and a language choice are not the person's; the button they press is
        ([SESSION, said("/greet")], [said('/change_language{"language":"uz"}')], False),
        ([SESSION, said("/greet"), said('/change_language{"language":"uz"}')], [said("/start_screening")], True),
        # typed at once; later messages do not count again
        ([SESSION], [said("they took my passport")], True),
        ([SESSION, said("they took my passport")], [said("more")], False),
        # answered by a response only (no custom action): still counted, as the turn is saved
        ([SESSION, said("/greet")], [said("is this anonymous?")], True),
        ([SESSION, said("/greet")], [said("/emergency")], True),
        # a turn that opens a new session: counted again in it (the session before is over)
        ([SESSION, said("hello")], [SESSION, said("hello again")], True),
        ([SESSION, said("hello")], [SESSION, said("/greet")], False),
        # nothing the person wrote
        ([], [], False),
        ([SESSION], [said("   ")], False),
    ],
)
def test_first_message_is_the_first_own_message_of_the_session(earlier, new, counted):
    assert first_message_in(earlier, new) is counted
    assert FIRST_MESSAGE in STEPS


@pytest.mark.parametrize(
    "env, url",
    [
        ({}, "http://localhost:8080/api/funnel"),
        ({"INTAKE_URL": "https://portal.example.lv/api/intakes"}, "https://portal.example.lv/api/funnel"),
        ({"INTAKE_URL": "http://portal:8080/api/intakes/"}, "http://portal:8080/api/funnel"),
        ({"INTAKE_URL": "https://provider.example.lv/paligs/v1/intakes"}, "https://provider.example.lv/paligs/v1/funnel"),
        ({"INTAKE_URL": "https://x.lv/api/intakes", "FUNNEL_URL": "https://y.lv/counts"}, "https://y.lv/counts"),
        ({"INTAKE_URL": "https://x.lv/api/intakes", "FUNNEL_URL": " "}, "https://x.lv/api/funnel"),
    ],
)
def test_the_funnel_url_defaults_to_the_intake_urls_sibling(env, url):
    assert load_settings(env).funnel_url == url


def test_the_funnel_settings_and_their_defaults():
    settings = load_settings({})
    assert (settings.funnel_push_seconds, settings.funnel_retention_weeks) == (300, 156)
    settings = load_settings({"FUNNEL_PUSH_SECONDS": "60", "FUNNEL_RETENTION_WEEKS": "52"})
    assert (settings.funnel_push_seconds, settings.funnel_retention_weeks) == (60, 52)
    assert sibling_url("http://h/a/b", "c") == "http://h/a/c"
