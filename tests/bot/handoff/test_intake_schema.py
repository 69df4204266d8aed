"""The intake record the assistant builds is the one the portal accepts: every
record bot/handoff/intake.py builds validates against docs/intake.schema.json,
and the assistant's names (bot/vocabulary.py, the scoring rule, the form choices)
are the schema's. tests/portal/test_schema.py checks the portal against the same file."""

import datetime as dt
import json

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from bot.handoff.intake import Contact, HandoffRequest, build_intake
from bot.paths import REPO_DIR
from bot.screening import scoring
from bot.screening.indicators import indicator_set
from bot.screening.walkthrough import AGE_OPTIONS, LOCATION_OPTIONS
from bot.vocabulary import ANSWERS, CHANNELS, CONTACT_METHODS, PROVIDERS

SCHEMA = json.loads((REPO_DIR / "docs" / "intake.schema.json").read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=FormatChecker())
INDICATORS = indicator_set()
AT = dt.datetime(2026, 11, 23, 14, 5, 7, tzinfo=dt.timezone.utc)
EVERY_ANSWER = {i: ANSWERS[n % 3] for n, i in enumerate(INDICATORS.indicators)}


def request(**changes):
    base = dict(
        reference="K7M29QX4", provider="marta", language="ru", channel="web", source="emb-tashkent",
        age_group="adult", location="latvia", sector="construction",
        answers={"passport_kept": "yes", "excessive_hours": "yes", "violence": "unsure", "job_different": "no"},
        consent_given_at=AT,
    )
    base.update(changes)
    return HandoffRequest(**base)


def contact(method, value):
    return Contact(method=method, value=value, best_time="evening", leave_message=False, given_at=AT)


def problems(record):
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(record)]


def test_the_schema_is_a_valid_schema():
    Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"provider": "any", "channel": "sms", "source": None, "location": None, "sector": None},
        {"provider": "drosa_maja", "channel": "rest", "age_group": "minor", "location": "abroad"},
        {"age_group": "unknown", "answers": {}},
        {"answers": EVERY_ANSWER, "language": "lv"},
        {"contact": contact("phone", "+371 20000000")},
        {"contact": contact("sms", "20000000")},
        {"contact": contact("email", "a.b@example.org")},
        {"contact": contact("messenger", "@ivan_k")},
    ],
    ids=["plain", "any-sms-unknowns", "minor-abroad", "no-answers", "every-indicator", "phone", "sms", "email",
         "messenger"],
)
def test_every_record_the_assistant_builds_is_valid(changes):
    record = build_intake(request(**changes), INDICATORS)
    assert problems(record) == []


@pytest.mark.parametrize(
    "field, value",
    [("channel", "viber"), ("provider", "police"), ("reference", "K7M29QXI"), ("status", "closed"),
     ("urgent", "yes"), ("created_on", "23.11.2026")],
)
def test_the_check_is_real_a_wrong_field_is_refused(field, value):
    record = build_intake(request(), INDICATORS)
    assert problems(record) == []
    assert problems({**record, field: value}), f"{field}={value!r} passed the schema"


def test_unknown_fields_are_refused():
    record = build_intake(request(), INDICATORS)
    assert problems({**record, "phone": "+371 20000000"})


def enum(name):
    return SCHEMA["$defs"][name]["enum"]


@pytest.mark.parametrize(
    "schema_name, ours",
    [
        ("channel", CHANNELS),
        ("provider", PROVIDERS),
        ("answer", ANSWERS),
        ("contact_method", CONTACT_METHODS),
        ("dimension", scoring.DIMENSIONS),
        ("strength", scoring.STRENGTHS),
        ("signal", (scoring.TRAFFICKING, scoring.FORCED_LABOUR, scoring.EXPLOITATION, scoring.FEW)),
        ("age_group", AGE_OPTIONS),
        ("location", LOCATION_OPTIONS),
    ],
)
def test_the_assistant_names_what_the_schema_names(schema_name, ours):
    assert list(enum(schema_name)) == list(ours)
