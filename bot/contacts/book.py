"""Facts as data: contacts and the values responses quote from them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import yaml

from bot.contacts.hours import WeeklyHours, parse_hours
from bot.paths import CONTENT_DIR


@dataclass(frozen=True)
class Contact:
    id: str
    label: str
    phone: str
    hours: WeeklyHours
    source: str
    verified_on: dt.date
    verify: bool
    organisation: Optional[str] = None
    email: Optional[str] = None
    address: Optional[str] = None
    web: Optional[str] = None
    note: Optional[str] = None


@dataclass(frozen=True)
class ContactBook:
    timezone: str
    contacts: Dict[str, Contact] = field(default_factory=dict)

    def __getitem__(self, contact_id: str) -> Contact:
        return self.contacts[contact_id]

    def all(self) -> List[Contact]:
        return list(self.contacts.values())


def load_contacts(path: Path) -> ContactBook:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    contacts = {}
    for item in raw["contacts"]:
        item = dict(item)
        item["hours"] = parse_hours(item["hours"])
        item["phone"] = str(item["phone"])
        contacts[item["id"]] = Contact(**item)
    return ContactBook(timezone=raw["timezone"], contacts=contacts)


@lru_cache(maxsize=1)
def contact_book() -> ContactBook:
    return load_contacts(CONTENT_DIR / "contacts.yml")


def display_phone(phone: str) -> str:
    """'+37128612120' -> '+371 28612120'; short numbers (112) stay as they are."""
    if phone.startswith("+371") and len(phone) == 12:
        return f"+371 {phone[4:]}"
    return phone


def response_values(book: ContactBook, retention_days: int) -> Dict[str, str]:
    """The {placeholders} that response texts may use, filled at build time."""
    values = {cid: display_phone(c.phone) for cid, c in book.contacts.items()}
    values["retention_days"] = str(retention_days)
    return values
