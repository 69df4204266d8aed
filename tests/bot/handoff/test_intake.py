"""The intake record built from the conversation: structured values only."""

import datetime as dt

from bot.handoff.intake import Contact, HandoffRequest, build_intake, needs_of
from bot.screening.indicators import indicator_set

INDICATORS = indicator_set()
AT = dt.datetime(2026, 11, 23, 14, 5, 7, 123, tzinfo=dt.timezone.utc)


def request(**changes):
    base = dict(
        reference="K7M29QX4", provider="marta", language="ru", channel="web", source="emb-tashkent",
        age_group="adult", location="latvia", sector="construction",
        answers={"passport_kept": "yes", "excessive_hours": "yes", "dangerous_work": "yes", "threats": "yes",
                 "violence": "unsure", "job_different": "no"},
        consent_given_at=AT,
    )
    base.update(changes)
    return HandoffRequest(**base)


def test_the_record_of_contracts_md():
    intake = build_intake(request(), INDICATORS, intake_id="5f0e8a52-4c1e-4d52-9b1a-0a4f3c1d2e3f")
    assert intake["reference"] == "K7M29QX4" and intake["created_on"] == "2026-11-23"
    assert (intake["language"], intake["channel"], intake["provider"], intake["source"]) == (
        "ru", "web", "marta", "emb-tashkent")
    assert intake["assessment"]["signal"] == "forced_labour_signs" and intake["urgent"] is False
    assert {"id": "violence", "dimension": "coercion", "strength": "strong", "answer": "unsure"} in intake["indicators"]
    assert len(intake["indicators"]) == 6
    assert intake["consent"] == {
        "text_version": "handoff-2026-11-23", "language": "ru", "given_at": "2026-11-23T14:05:07Z"}
    assert "contact" not in intake and intake["status"] == "new"
    assert set(intake["needs"]) == {"documents"}


def test_no_free_text_and_no_sender_in_the_record():
    text = repr(build_intake(request(), INDICATORS))
    assert "sender" not in text and "text" not in text.replace("text_version", "")


def test_contact_only_with_its_own_consent():
    contact = Contact(method="sms", value="+371 20000000", best_time="evening", leave_message=False, given_at=AT)
    intake = build_intake(request(contact=contact), INDICATORS)
    assert intake["contact"]["value"] == "+371 20000000" and intake["contact"]["leave_message"] is False
    assert intake["contact"]["consent"]["text_version"] == "contact-2026-11-23"
    assert "contact_requested" in intake["needs"]


def test_a_minor_is_urgent_and_without_answers_the_record_says_so():
    intake = build_intake(request(age_group="minor", answers={"begging_quota": "yes"}, sector="begging"), INDICATORS)
    assert intake["urgent"] is True and "child_protection" in intake["needs"]
    empty = build_intake(request(answers={}, age_group=None, location=None, sector=None), INDICATORS)
    assert empty["indicators"] == [] and empty["age_group"] == "unknown" and "sector" not in empty
    assert "self_check_not_done" in empty["needs"] and empty["assessment"]["signal"] == "few_signs"


def test_needs_table():
    assert needs_of({"violence": "yes", "bad_housing": "unsure"}, False, True, False) == ["medical_help"]
