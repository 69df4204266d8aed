"""Strict validation of an intake as the assistant sends it.

Pure functions: `validate_intake(obj)` returns the clean intake or raises
`ValidationError` with every problem found, each as "field: reason", so a
sender can fix its payload from the 422 answer alone. Unknown fields are
refused rather than dropped: a field we do not know might be personal data we
have not planned to protect. docs/intake.schema.json describes the same record
for other services; tests/portal/test_schema.py keeps the two in step.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from portal.vocabulary import (
    AGE_GROUPS,
    ANSWERS,
    CHANNELS,
    CONTACT_METHODS,
    INDICATOR_DIMENSIONS,
    INTAKE_PROVIDERS,
    LOCATIONS,
    SIGNALS,
    STRENGTHS,
)

# The forms of the free codes (the schema's patterns are these, character for character).
REFERENCE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{8}$")  # Crockford base32: no I, L, O, U
LANGUAGE = re.compile(r"^[a-z]{2,3}$")
TAG = re.compile(r"^[a-z0-9_]{1,64}$")
SOURCE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# RFC 3339: seconds and a zone are required, a fraction of a second is optional.
DATE_TIME = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})$"
)
EARLIEST = dt.date(2020, 1, 1)

REQUIRED = (
    "reference", "created_on", "language", "channel", "provider", "age_group",
    "urgent", "indicators", "assessment", "consent",
)
OPTIONAL = ("id", "source", "location", "sector", "needs", "contact", "status")
MAX_INDICATORS = 100
MAX_NEEDS = 30


class ValidationError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, reason: str) -> None:
        self.items.append(f"{where}: {reason}")


def _keys(obj: dict, where: str, required: tuple, optional: tuple, problems: _Problems) -> None:
    for key in required:
        if key not in obj:
            problems.add(f"{where}{key}", "required")
    for key in obj:
        if key not in required and key not in optional:
            problems.add(f"{where}{key}", "unknown field")


def _enum(value: Any, allowed: tuple, where: str, problems: _Problems) -> None:
    if not isinstance(value, str) or value not in allowed:
        problems.add(where, f"must be one of {', '.join(allowed)}")


def _pattern(value: Any, pattern: re.Pattern, where: str, problems: _Problems, what: str) -> None:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        problems.add(where, f"must be {what}")


def _bool(value: Any, where: str, problems: _Problems) -> None:
    if not isinstance(value, bool):
        problems.add(where, "must be true or false")


def _text(value: Any, where: str, problems: _Problems, limit: int) -> None:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        problems.add(where, f"must be text of 1 to {limit} characters")
    elif any(ord(char) < 32 for char in value):
        problems.add(where, "must not contain control characters")


def _date(value: Any, where: str, problems: _Problems, today: dt.date) -> None:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        problems.add(where, "must be a date YYYY-MM-DD")
        return
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        problems.add(where, "must be a real date")
        return
    if day > today + dt.timedelta(days=1) or day < EARLIEST:
        problems.add(where, "is out of range")


def _datetime(value: Any, where: str, problems: _Problems) -> None:
    if not isinstance(value, str) or not DATE_TIME.fullmatch(value):
        problems.add(where, "must be an ISO 8601 date and time")
        return
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        problems.add(where, "must be an ISO 8601 date and time")


def _indicators(value: Any, problems: _Problems) -> None:
    if not isinstance(value, list) or len(value) > MAX_INDICATORS:
        problems.add("indicators", f"must be a list of at most {MAX_INDICATORS}")
        return
    seen = set()
    for index, item in enumerate(value):
        where = f"indicators[{index}]"
        if not isinstance(item, dict):
            problems.add(where, "must be an object")
            continue
        _keys(item, where + ".", ("id", "dimension", "strength", "answer"), (), problems)
        _pattern(item.get("id"), TAG, where + ".id", problems, "a lower-case id")
        _enum(item.get("dimension"), INDICATOR_DIMENSIONS, where + ".dimension", problems)
        _enum(item.get("strength"), STRENGTHS, where + ".strength", problems)
        _enum(item.get("answer"), ANSWERS, where + ".answer", problems)
        if item.get("id") in seen:
            problems.add(where + ".id", "appears twice")
        seen.add(item.get("id") if isinstance(item.get("id"), str) else None)


def _assessment(value: Any, problems: _Problems) -> None:
    if not isinstance(value, dict):
        problems.add("assessment", "must be an object")
        return
    _keys(value, "assessment.", ("signal", "dimensions"), ("urgent",), problems)
    _enum(value.get("signal"), SIGNALS, "assessment.signal", problems)
    if "urgent" in value:
        _bool(value["urgent"], "assessment.urgent", problems)
    dimensions = value.get("dimensions")
    if not isinstance(dimensions, dict):
        problems.add("assessment.dimensions", "must be an object")
        return
    for key, flag in dimensions.items():
        if key not in INDICATOR_DIMENSIONS:
            problems.add(f"assessment.dimensions.{key}", "unknown dimension")
        else:
            _bool(flag, f"assessment.dimensions.{key}", problems)


def _consent(value: Any, where: str, problems: _Problems, language_required: bool) -> None:
    if not isinstance(value, dict):
        problems.add(where, "must be an object")
        return
    required = ("text_version", "language", "given_at") if language_required else ("text_version", "given_at")
    optional = () if language_required else ("language",)
    _keys(value, where + ".", required, optional, problems)
    if "text_version" in value:
        _pattern(value["text_version"], SOURCE, where + ".text_version", problems, "a short version tag")
    if "language" in value:
        _pattern(value["language"], LANGUAGE, where + ".language", problems, "a language code")
    if "given_at" in value:
        _datetime(value["given_at"], where + ".given_at", problems)


def _contact(value: Any, problems: _Problems) -> None:
    if value is None:
        return
    if not isinstance(value, dict):
        problems.add("contact", "must be an object or null")
        return
    _keys(value, "contact.", ("method", "value"), ("language", "best_time", "leave_message", "consent"), problems)
    _enum(value.get("method"), CONTACT_METHODS, "contact.method", problems)
    _text(value.get("value"), "contact.value", problems, 200)
    if value.get("language") is not None:
        _pattern(value["language"], LANGUAGE, "contact.language", problems, "a language code")
    if value.get("best_time") is not None:
        _text(value["best_time"], "contact.best_time", problems, 100)
    if value.get("leave_message") is not None:
        _bool(value["leave_message"], "contact.leave_message", problems)
    if value.get("consent") is not None:
        _consent(value["consent"], "contact.consent", problems, language_required=False)


def validate_intake(obj: Any, today: dt.date | None = None) -> dict:
    """The intake, checked field by field; raises ValidationError listing every problem."""
    today = today or dt.date.today()
    problems = _Problems()
    if not isinstance(obj, dict):
        raise ValidationError(["body: must be a JSON object"])
    _keys(obj, "", REQUIRED, OPTIONAL, problems)
    if "id" in obj:
        _pattern(obj["id"], UUID, "id", problems, "a UUID")
    _pattern(obj.get("reference"), REFERENCE, "reference", problems, "8 characters of Crockford base32")
    if "created_on" in obj:
        _date(obj["created_on"], "created_on", problems, today)
    _pattern(obj.get("language"), LANGUAGE, "language", problems, "a language code")
    _enum(obj.get("channel"), CHANNELS, "channel", problems)
    if obj.get("source") is not None:
        _pattern(obj["source"], SOURCE, "source", problems, "a campaign tag (letters, digits, . _ -)")
    _enum(obj.get("provider"), INTAKE_PROVIDERS, "provider", problems)
    _enum(obj.get("age_group"), AGE_GROUPS, "age_group", problems)
    if obj.get("location") is not None:
        _enum(obj["location"], LOCATIONS, "location", problems)
    if obj.get("sector") is not None:
        _pattern(obj["sector"], TAG, "sector", problems, "a lower-case sector id")
    if "urgent" in obj:
        _bool(obj["urgent"], "urgent", problems)
    if "indicators" in obj:
        _indicators(obj["indicators"], problems)
    if "assessment" in obj:
        _assessment(obj["assessment"], problems)
    needs = obj.get("needs")
    if needs is not None:
        if not isinstance(needs, list) or len(needs) > MAX_NEEDS:
            problems.add("needs", f"must be a list of at most {MAX_NEEDS}")
        else:
            for index, need in enumerate(needs):
                _pattern(need, TAG, f"needs[{index}]", problems, "a lower-case id")
    if "contact" in obj:
        _contact(obj["contact"], problems)
    if "consent" in obj:
        _consent(obj["consent"], "consent", problems, language_required=True)
    if "status" in obj and obj["status"] != "new":
        problems.add("status", "a new intake must have status new")
    if problems.items:
        raise ValidationError(problems.items)

    return {
        "id": str(uuid.UUID(obj["id"])) if "id" in obj else None,
        "reference": obj["reference"],
        "created_on": dt.date.fromisoformat(obj["created_on"]),
        "language": obj["language"],
        "channel": obj["channel"],
        "source": obj.get("source"),
        "provider": obj["provider"],
        "age_group": obj["age_group"],
        "location": obj.get("location"),
        "sector": obj.get("sector"),
        "urgent": obj["urgent"],
        "indicators": obj["indicators"],
        "assessment": obj["assessment"],
        "needs": list(dict.fromkeys(needs or [])),
        "contact": obj.get("contact") or None,
        "consent": obj["consent"],
    }
