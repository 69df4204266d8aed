"""Facts as data: every contact has what a person and staff need."""

import datetime as dt
import re

from bot.contacts.book import contact_book, display_phone
from bot.tooling.content_check import report


def test_every_contact_has_source_date_and_a_valid_phone():
    for contact in contact_book().all():
        assert contact.source.strip(), contact.id
        assert isinstance(contact.verified_on, dt.date), contact.id
        assert re.fullmatch(r"\+\d{8,15}|1\d{2,5}", contact.phone), contact.id


def test_the_contacts_the_assistant_quotes_exist():
    for needed in ("hotline", "marta", "drosa_maja", "emergency", "child_helpline", "police"):
        assert contact_book()[needed]


def test_phone_display():
    assert display_phone("+37128612120") == "+371 28612120"
    assert display_phone("112") == "112"


def test_content_check_lists_facts_to_verify_and_stale_ones():
    lines = report(today=dt.date(2026, 11, 22))
    assert any("hotline" in line and "marked verify" in line for line in lines)
    assert not any(line.startswith("contacts.yml emergency:") for line in lines)
    assert any(line.startswith("rights.yml residence_permit: marked verify") for line in lines)
    stale = report(today=dt.date(2028, 1, 1))
    assert any(line.startswith("rights.yml labour_basics:") and "last checked" in line for line in stale)
    assert any(line.startswith("contacts.yml emergency:") and "last checked" in line for line in stale)
