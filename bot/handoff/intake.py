"""The intake record of contracts.md, built from what the conversation holds.

Only structured values go in: no free text, no sender id, no phone number
unless the person gave one for contact with its own consent. `created_on`
is a date only.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional

from bot.screening.indicators import IndicatorSet
from bot.screening.result import assessment_record
from bot.screening.scoring import assess

# The consent texts shown to the person, by version: bump when their wording changes.
CONSENT_TEXT_VERSION = "handoff-2026-11-23"
CONTACT_CONSENT_TEXT_VERSION = "contact-2026-11-23"

# What a provider should prepare for, from the answers (ids staff know).
NEEDS_BY_INDICATOR = {
    "passport_kept": "documents",
    "wages_withheld": "unpaid_wages",
    "pay_lower_than_promised": "unpaid_wages",
    "bad_housing": "safe_housing",
    "depends_on_employer": "safe_housing",
    "cannot_leave": "safe_housing",
    "violence": "medical_help",
    "growing_debt": "legal_help",
    "recruitment_debt": "legal_help",
    "made_to_commit_crime": "legal_help",
    "papers_in_your_name": "legal_help",
}


@dataclass(frozen=True)
class Contact:
    method: str  # phone, sms, messenger, email
    value: str
    best_time: Optional[str]
    leave_message: Optional[bool]
    given_at: dt.datetime


@dataclass(frozen=True)
class HandoffRequest:
    reference: str
    provider: str
    language: str
    channel: str
    source: Optional[str]
    age_group: Optional[str]
    location: Optional[str]
    sector: Optional[str]
    answers: Mapping[str, str]
    consent_given_at: dt.datetime
    contact: Optional[Contact] = None


def needs_of(answers: Mapping[str, str], minor: bool, screened: bool, contact: bool) -> List[str]:
    needs = {NEEDS_BY_INDICATOR[i] for i, a in answers.items() if a == "yes" and i in NEEDS_BY_INDICATOR}
    if minor:
        needs.add("child_protection")
    if not screened:
        needs.add("self_check_not_done")
    if contact:
        needs.add("contact_requested")
    return sorted(needs)


def build_intake(
    request: HandoffRequest, indicators: IndicatorSet, intake_id: Optional[str] = None
) -> Dict[str, object]:
    minor = request.age_group == "minor"
    answered = {i: a for i, a in request.answers.items() if i in indicators.indicators}
    assessment = assess(indicators.scoring(), answered, minor=minor)
    record = assessment_record(assessment)
    intake: Dict[str, object] = {
        "id": intake_id or str(uuid.uuid4()),
        "reference": request.reference,
        "created_on": request.consent_given_at.date().isoformat(),
        "language": request.language,
        "channel": request.channel,
        "provider": request.provider,
        "age_group": request.age_group or "unknown",
        "urgent": bool(record["urgent"]),
        "indicators": [
            {
                "id": spec.id,
                "dimension": spec.dimension,
                "strength": spec.strength,
                "answer": answered[spec.id],
            }
            for spec in indicators.indicators.values()
            if spec.id in answered
        ],
        "assessment": record,
        "needs": needs_of(answered, minor, bool(answered), request.contact is not None),
        "consent": {
            "text_version": CONSENT_TEXT_VERSION,
            "language": request.language,
            "given_at": _iso(request.consent_given_at),
        },
        "status": "new",
    }
    for key, value in (("source", request.source), ("location", request.location), ("sector", request.sector)):
        if value:
            intake[key] = value
    if request.contact is not None:
        contact: Dict[str, object] = {
            "method": request.contact.method,
            "value": request.contact.value,
            "language": request.language,
            "consent": {"text_version": CONTACT_CONSENT_TEXT_VERSION, "given_at": _iso(request.contact.given_at)},
        }
        if request.contact.best_time:
            contact["best_time"] = request.contact.best_time
        if request.contact.leave_message is not None:
            contact["leave_message"] = request.contact.leave_message
        intake["contact"] = contact
    return intake


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
