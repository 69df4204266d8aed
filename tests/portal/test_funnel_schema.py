"""docs/funnel.schema.json against portal/funnel.py: the schema is valid JSON Schema
(2020-12), names the portal's own codes and patterns, and valid and invalid pushes
are judged alike by both (except what only the service can check, listed below)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from portal import funnel, vocabulary
from portal.validation import ValidationError
from tests.portal.test_schema import EcmaValidator

REPO = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((REPO / "docs" / "funnel.schema.json").read_text(encoding="utf-8"))
ROW = SCHEMA["$defs"]["count"]["properties"]
TODAY = dt.date(2026, 12, 3)


def schema_errors(body) -> list[str]:
    return [error.message for error in EcmaValidator(SCHEMA).iter_errors(body)]


def service_problems(body) -> list[str]:
    try:
        funnel.validate_push(body, today=TODAY)
    except ValidationError as error:
        return error.problems
    return []


def test_the_schema_is_valid_json_schema_2020_12():
    Draft202012Validator.check_schema(SCHEMA)


def test_the_schema_speaks_the_portal_vocabulary():
    assert ROW["step"]["enum"] == list(vocabulary.FUNNEL_STEPS)
    assert ROW["channel"]["enum"] == list(vocabulary.CHANNELS)
    assert ROW["week"]["pattern"] == funnel.WEEK.pattern
    assert ROW["campaign"]["pattern"] == funnel.CAMPAIGN.pattern
    assert ROW["language"]["pattern"] == funnel.LANGUAGE.pattern
    assert ROW["count"]["maximum"] == funnel.MAX_COUNT
    assert SCHEMA["properties"]["counts"]["maxItems"] == funnel.MAX_ROWS
    assert set(SCHEMA["$defs"]["count"]["required"]) == set(funnel.FIELDS)


def row(**changes) -> dict:
    return {"week": "2026-W49", "campaign": "emb-tashkent", "language": "uz", "channel": "web",
            "step": "chat_opened", "count": 17, **changes}


VALID = [
    {"counts": []},
    {"counts": [row()]},
    {"counts": [row(campaign="other", count=0), row(campaign="direct", step="emergency_shown"),
                row(week="2020-W53", campaign="a", language="ur", channel="telegram", count=999999999)]},
]
INVALID = [
    {}, [], {"counts": [row()], "extra": 1}, {"counts": [row(count=-1)]}, {"counts": [row(count=1.5)]},
    {"counts": [row(count="3")]}, {"counts": [row(week="2026-W54")]}, {"counts": [row(week="2026-W49\n")]},
    {"counts": [row(campaign="A")]}, {"counts": [row(campaign="a-")]}, {"counts": [row(language="uzb")]},
    {"counts": [row(channel="viber")]}, {"counts": [row(step="chat")]}, {"counts": [{**row(), "name": "x"}]},
    {"counts": [row() for _ in range(501)]},
]
# What only the service can check (a schema cannot): the calendar, the clock, repeated keys.
SERVICE_ONLY = [
    {"counts": [row(week="2025-W53")]},
    {"counts": [row(week="2019-W10")]},
    {"counts": [row(week="2027-W01")]},
    {"counts": [row(), row(count=3)]},
]


@pytest.mark.parametrize("body", VALID)
def test_valid_pushes_pass_both(body):
    assert schema_errors(body) == [] and service_problems(body) == []


@pytest.mark.parametrize("body", INVALID)
def test_invalid_pushes_fail_both(body):
    assert schema_errors(body) and service_problems(body)


@pytest.mark.parametrize("body", SERVICE_ONLY)
def test_what_only_the_service_refuses(body):
    assert schema_errors(body) == [] and service_problems(body)
