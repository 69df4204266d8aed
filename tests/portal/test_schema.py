"""docs/intake.schema.json against portal/validation.py: the schema is valid
JSON Schema (2020-12), the intakes the portal's tests send pass both, invalid
intakes are refused by both, and the schema's codes are the portal vocabulary."""

import datetime as dt
import json
import re
import uuid
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, ValidationError, validators

from portal import validation, vocabulary
from portal.validation import validate_intake
from tests.portal import helpers

REPO = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((REPO / "docs" / "intake.schema.json").read_text(encoding="utf-8"))


def _ecma_pattern(validator, pattern, instance, schema):
    """`pattern` as JSON Schema means it (ECMA-262): `$` is the end of the text.
    Python's `$` also matches before a final newline, so it is read as `\\Z` here."""
    if validator.is_type(instance, "string") and not re.search(re.sub(r"\$$", r"\\Z", pattern), instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


EcmaValidator = validators.extend(Draft202012Validator, {"pattern": _ecma_pattern})


def schema_errors(record) -> list[str]:
    checker = EcmaValidator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [error.message for error in checker.iter_errors(record)]


def service_problems(record) -> list[str]:
    try:
        validate_intake(record)
    except validation.ValidationError as error:
        return error.problems
    return []


# --- (a) a valid schema ---------------------------------------------------------------

def test_the_schema_is_valid_json_schema_2020_12():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)


def test_the_pattern_check_reads_dollar_as_the_end_of_the_text():
    assert schema_errors(helpers.intake(reference="7KQ2M9XD\n"))  # Python's re.search alone would let it pass
    assert Draft202012Validator(SCHEMA).is_valid(helpers.intake(reference="7KQ2M9XD\n"))


# --- (b) what the portal's tests send passes both -----------------------------------------

def readme_example() -> dict:
    text = (REPO / "portal" / "README.md").read_text(encoding="utf-8")
    block = text.split("The body is the intake", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    example = json.loads(block)
    example["created_on"] = dt.date.today().isoformat()  # the service refuses a date after tomorrow
    return example


def without(record: dict, *keys: str) -> dict:
    return {key: value for key, value in record.items() if key not in keys}


FIXTURES = {
    "the default": lambda: helpers.intake(),
    "without id": lambda: without(helpers.intake(), "id"),
    "without contact": lambda: helpers.intake(contact=None),
    "other provider, e-mail contact": lambda: helpers.intake(
        provider="drosa_maja", contact={"method": "email", "value": "drosa@example.lv"}),
    "for any provider, urgent": lambda: helpers.intake(urgent=True, provider="any"),
    "sms contact": lambda: helpers.intake(contact={"method": "sms", "value": "+371 20000777"}),
    "script as text": lambda: helpers.intake(contact={"method": "email", "value": "<script>alert('x')</script>",
                                                     "best_time": "<script>alert('x')</script>"}),
    "unknown ids": lambda: helpers.intake(needs=["some_new_need"], indicators=[
        {"id": "brand_new_indicator", "dimension": "coercion", "strength": "weak", "answer": "yes"}]),
    "old, other language": lambda: helpers.intake(provider="drosa_maja", language="tg", created_on="2025-01-15"),
    "sms channel, campaign": lambda: helpers.intake(source="qr-riga-station", channel="sms"),
    "trafficking signs": lambda: helpers.intake(
        language="ky", urgent=True, assessment={**helpers.intake()["assessment"], "signal": "trafficking_signs"}),
    # as bot/handoff/intake.py builds it when little is known: no source, location, sector or best time
    "the assistant, little known": lambda: without(helpers.intake(
        age_group="unknown", indicators=[], needs=["contact_requested", "self_check_not_done"],
        assessment={"signal": "few_signs", "dimensions": {name: False for name in vocabulary.INDICATOR_DIMENSIONS},
                    "urgent": False},
        contact={"method": "sms", "value": "+371 20000000", "language": "uz", "leave_message": True,
                 "consent": {"text_version": "contact-2026-11-23", "given_at": "2026-11-23T14:05:07Z"}},
    ), "source", "location", "sector"),
    "nulls where the service allows them": lambda: helpers.intake(
        source=None, location=None, sector=None, needs=None,
        contact={"method": "phone", "value": "+371 2", "language": None, "best_time": None, "leave_message": None,
                 "consent": None}),
    "offsets and fractions": lambda: helpers.intake(
        consent={"text_version": "v1", "language": "ru", "given_at": "2026-11-23T12:00:00.123456+02:00"}),
    "the README example": readme_example,
}


@pytest.mark.parametrize("name", FIXTURES)
def test_what_the_portal_tests_send_passes_schema_and_service(name):
    record = FIXTURES[name]()
    assert schema_errors(record) == []
    assert service_problems(record) == []


# --- (c) invalid records are refused by both ---------------------------------------------

def change(path: str, value):
    """A record with the value at `path` ("contact.value", "indicators.0.answer") replaced."""
    def make():
        record = helpers.intake()
        *parents, last = path.split(".")
        target = record
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
        return record
    return make


def remove(path: str):
    def make():
        record = helpers.intake()
        *parents, last = path.split(".")
        target = record
        for key in parents:
            target = target[key]
        del target[last]
        return record
    return make


def indicator(**fields) -> dict:
    return {"id": "passport_kept", "dimension": "coercion", "strength": "strong", "answer": "yes", **fields}


INVALID = {
    **{f"no {field}": remove(field) for field in validation.REQUIRED},
    "unknown field": change("name", "Anna"),
    "free text": change("free_text", "I am Anna"),
    "id not a UUID": change("id", "not-a-uuid"),
    "id without hyphens": change("id", uuid.uuid4().hex),
    "id in braces": change("id", "{" + str(uuid.uuid4()) + "}"),
    "id a number": change("id", 123),
    "id null": change("id", None),
    "reference lower case": change("reference", "abc12345"),
    "reference with I": change("reference", "ABCDEFGI"),
    "reference of 7": change("reference", "ABCDEFG"),
    "reference and a newline": change("reference", "ABCDEFGH\n"),
    "created_on not ISO": change("created_on", "23.11.2026"),
    "created_on not a real day": change("created_on", "2026-02-30"),
    "created_on before 2020": change("created_on", "2019-12-31"),
    "created_on with a time": change("created_on", "2026-11-23T10:00:00Z"),
    "created_on a number": change("created_on", 20261123),
    "created_on in other digits": change("created_on", "\u0662\u0660\u0662\u0666-\u0661\u0661-\u0662\u0663"),
    "language in capitals": change("language", "UZ"),
    "language a script": change("language", "<script>alert(1)</script>"),
    "language too long": change("language", "uzbe"),
    "channel unknown": change("channel", "fax"),
    "channel not yet accepted": change("channel", "viber"),
    "source with a space": change("source", "a b"),
    "source empty": change("source", ""),
    "source too long": change("source", "s" * 65),
    "provider unknown": change("provider", "police"),
    "provider in capitals": change("provider", "ANY"),
    "age group unknown": change("age_group", "child"),
    "location unknown": change("location", "riga"),
    "sector in capitals": change("sector", "Construction"),
    "urgent as text": change("urgent", "yes"),
    "urgent as a number": change("urgent", 1),
    "urgent null": change("urgent", None),
    "indicators not a list": change("indicators", {"passport_kept": "yes"}),
    "too many indicators": change("indicators", [indicator(id=f"i{n}") for n in range(101)]),
    "indicator not an object": change("indicators", ["passport_kept"]),
    "indicator with a note": change("indicators", [indicator(note="n")]),
    "indicator without answer": change("indicators", [without(indicator(), "answer")]),
    "answer maybe": change("indicators.0.answer", "maybe"),
    "dimension unknown": change("indicators.0.dimension", "magic"),
    "strength unknown": change("indicators.0.strength", "high"),
    "indicator id with spaces": change("indicators.0.id", "Bad Id"),
    "the same indicator twice": change("indicators", [indicator(), indicator()]),
    "assessment not an object": change("assessment", "forced_labour_signs"),
    "assessment without dimensions": remove("assessment.dimensions"),
    "assessment without signal": remove("assessment.signal"),
    "signal unknown": change("assessment.signal", "none"),
    "assessment dimension unknown": change("assessment.dimensions", {"magic": True}),
    "assessment dimension as text": change("assessment.dimensions", {"coercion": "yes"}),
    "assessment dimensions a list": change("assessment.dimensions", ["coercion"]),
    "assessment urgent as text": change("assessment.urgent", "no"),
    "assessment with a note": change("assessment.note", "n"),
    "needs a string": change("needs", "documents"),
    "need in capitals": change("needs", ["Shelter!"]),
    "too many needs": change("needs", [f"n{n}" for n in range(31)]),
    "contact a list": change("contact", ["phone", "+371 2"]),
    "contact empty": change("contact", {}),
    "contact method unknown": change("contact", {"method": "pigeon", "value": "x"}),
    "contact value empty": change("contact", {"method": "sms", "value": ""}),
    "contact value only spaces": change("contact", {"method": "sms", "value": " \u00a0\u3000"}),
    "contact value with a newline": change("contact", {"method": "sms", "value": "+371\n1"}),
    "contact value ends in a newline": change("contact", {"method": "sms", "value": "+371 1\n"}),
    "contact value too long": change("contact", {"method": "sms", "value": "x" * 201}),
    "contact value a number": change("contact", {"method": "sms", "value": 37120000000}),
    "best time too long": change("contact.best_time", "t" * 101),
    "leave message as text": change("contact.leave_message", "yes"),
    "contact with a name": change("contact.name", "Anna"),
    "contact language in capitals": change("contact.language", "RU"),
    "contact consent without time": remove("contact.consent.given_at"),
    "contact consent language null": change("contact.consent.language", None),
    "contact consent a string": change("contact.consent", "yes"),
    "consent without language": remove("consent.language"),
    "consent given yesterday": change("consent.given_at", "yesterday"),
    "consent given on a date": change("consent.given_at", "2026-11-23"),
    "consent time without zone": change("consent.given_at", "2026-11-23T10:00:00"),
    "consent time without seconds": change("consent.given_at", "2026-11-23T10:00Z"),
    "consent time with a space": change("consent.given_at", "2026-11-23 10:00:00Z"),
    "consent version with a space": change("consent.text_version", "a b"),
    "consent with a note": change("consent.note", "n"),
    "consent null": change("consent", None),
    "status closed": change("status", "closed"),
    "status null": change("status", None),
    "a list": lambda: [helpers.intake()],
    "a string": lambda: "intake",
}


@pytest.mark.parametrize("name", INVALID)
def test_an_invalid_record_is_refused_by_schema_and_service(name):
    record = INVALID[name]()
    assert schema_errors(record), "the schema accepts it"
    assert service_problems(record), "the service accepts it"


def test_what_only_the_service_can_check():
    """A schema cannot compare with today, nor compare list items by one field; and
    Python's jsonschema asserts no date-time format without an extra package."""
    only_service = {
        "created_on after tomorrow": helpers.intake(created_on=(dt.date.today() + dt.timedelta(days=2)).isoformat()),
        "one indicator answered twice": helpers.intake(indicators=[indicator(), indicator(answer="no")]),
        "given_at not a real day": helpers.intake(
            consent={"text_version": "v1", "language": "uz", "given_at": "2026-02-30T10:00:00Z"}),
    }
    for name, record in only_service.items():
        assert schema_errors(record) == [], name
        assert service_problems(record), name


def test_a_visible_character_is_the_same_for_schema_and_service():
    """The schema's text pattern and validation's check (`strip()`, no control
    character) agree on every single character."""
    pattern = re.compile(SCHEMA["$defs"]["text"]["pattern"].replace("$", r"\Z"))
    disagree = [hex(code) for code in range(0x110000)
                if bool(pattern.search(chr(code))) != (bool(chr(code).strip()) and code >= 32)]
    assert disagree == []


# --- (d) the schema's codes are the portal vocabulary ------------------------------------

@pytest.mark.parametrize(
    "name, codes",
    [
        ("channel", vocabulary.CHANNELS),
        ("provider", vocabulary.INTAKE_PROVIDERS),
        ("age_group", vocabulary.AGE_GROUPS),
        ("location", vocabulary.LOCATIONS),
        ("answer", vocabulary.ANSWERS),
        ("strength", vocabulary.STRENGTHS),
        ("signal", vocabulary.SIGNALS),
        ("dimension", vocabulary.INDICATOR_DIMENSIONS),
        ("contact_method", vocabulary.CONTACT_METHODS),
        ("status", vocabulary.STATUSES),
    ],
)
def test_the_schemas_codes_are_the_vocabulary(name, codes):
    assert SCHEMA["$defs"][name]["enum"] == list(codes)


@pytest.mark.parametrize(
    "pointer, regex",
    [
        ("properties/reference", validation.REFERENCE),
        ("properties/id", validation.UUID),
        ("$defs/language", validation.LANGUAGE),
        ("$defs/id", validation.TAG),
        ("$defs/tag", validation.SOURCE),
        ("$defs/date_time", validation.DATE_TIME),
    ],
)
def test_the_schemas_patterns_are_the_services(pointer, regex):
    node = SCHEMA
    for key in pointer.split("/"):
        node = node[key]
    assert node["pattern"] == regex.pattern


def test_the_schemas_fields_and_limits_are_the_services():
    assert SCHEMA["required"] == list(validation.REQUIRED)
    assert set(SCHEMA["properties"]) == set(validation.REQUIRED) | set(validation.OPTIONAL)
    assert SCHEMA["properties"]["indicators"]["maxItems"] == validation.MAX_INDICATORS
    assert SCHEMA["properties"]["needs"]["anyOf"][0]["maxItems"] == validation.MAX_NEEDS
    defs = SCHEMA["$defs"]
    no_others = [SCHEMA, *(defs[name] for name in ("indicator", "assessment", "consent", "contact_consent", "contact"))]
    assert all(node["additionalProperties"] is False for node in no_others)

