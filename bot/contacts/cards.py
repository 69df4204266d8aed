"""Contacts as a person reads them: who, how to reach them, open or closed now.

Dates and times are formatted by Babel for the person's locale; every word
comes from the catalogs (context "contacts").
"""

from __future__ import annotations

import datetime as dt
from typing import List

from babel.dates import format_skeleton, format_time, get_day_names

from bot.contacts.book import Contact, display_phone
from bot.contacts.holidays import latvian_public_holiday
from bot.contacts.hours import DAYS, ClosedOn, WeeklyHours, opening_status
from bot.i18n.catalogs import Translator

CONTACT_CONTEXT = "contact"


def _time(value: dt.time, locale: str) -> str:
    return format_time(value, "HH:mm", locale=locale)


def describe_hours(hours: WeeklyHours, t: Translator) -> str:
    """'Mon–Fri 09:00–17:00' in the person's language; days grouped when equal."""
    if hours.always:
        return t.pgettext("contacts", "24 hours a day, 7 days a week")
    day_names = get_day_names("abbreviated", locale=t.locale)
    groups: List[List[int]] = []
    for day in range(len(DAYS)):
        intervals = hours.by_weekday.get(day)
        if not intervals:
            continue
        if groups and groups[-1][-1] == day - 1 and hours.by_weekday[groups[-1][0]] == intervals:
            groups[-1].append(day)
        else:
            groups.append([day])
    parts = []
    for group in groups:
        days = day_names[group[0]] if len(group) == 1 else f"{day_names[group[0]]}–{day_names[group[-1]]}"
        times = ", ".join(
            f"{_time(start, t.locale)}–{_time(end, t.locale)}" for start, end in hours.by_weekday[group[0]]
        )
        parts.append(f"{days} {times}")
    return "; ".join(parts)


def _opening_day(opens: dt.datetime, days_ahead: int, locale: str) -> str:
    """The weekday's name; with the date when it is a week or more away (after holidays)."""
    if days_ahead < 7:
        return get_day_names("wide", locale=locale)[opens.weekday()]
    return format_skeleton("MMMMEEEEd", opens, locale=locale)


def describe_status(
    hours: WeeklyHours, now: dt.datetime, t: Translator, closed_on: ClosedOn = latvian_public_holiday
) -> str:
    status = opening_status(hours, now, closed_on)
    if status.always:
        return t.pgettext("contacts", "Open now, 24 hours a day.")
    if status.open and status.until:
        return t.pgettext("contacts", "Open now, until {time}.", time=_time(status.until.time(), t.locale))
    if status.next_open is None:
        return t.pgettext("contacts", "Closed now.")
    opens = status.next_open
    time = _time(opens.time(), t.locale)
    days_ahead = (opens.date() - now.date()).days
    if status.holiday:
        if days_ahead == 1:
            return t.pgettext("contacts", "Closed today, a public holiday. Opens tomorrow at {time}.", time=time)
        return t.pgettext(
            "contacts", "Closed today, a public holiday. Opens on {day} at {time}.",
            day=_opening_day(opens, days_ahead, t.locale), time=time,
        )
    if days_ahead == 0:
        return t.pgettext("contacts", "Closed now. Opens today at {time}.", time=time)
    if days_ahead == 1:
        return t.pgettext("contacts", "Closed now. Opens tomorrow at {time}.", time=time)
    day = _opening_day(opens, days_ahead, t.locale)
    return t.pgettext("contacts", "Closed now. Opens on {day} at {time}.", day=day, time=time)


def contact_card(contact: Contact, now: dt.datetime, t: Translator) -> str:
    lines = [t.pgettext(CONTACT_CONTEXT, contact.label)]
    if contact.organisation:
        lines[0] += f" ({contact.organisation})"
    lines.append(t.pgettext("contacts", "Phone: {phone}", phone=display_phone(contact.phone)))
    if contact.email:
        lines.append(t.pgettext("contacts", "E-mail: {email}", email=contact.email))
    if contact.address:
        lines.append(t.pgettext("contacts", "Address: {address}", address=contact.address))
    if not contact.hours.always:
        lines.append(t.pgettext("contacts", "Hours: {hours}", hours=describe_hours(contact.hours, t)))
    lines.append(describe_status(contact.hours, now, t))
    if contact.note:
        lines.append(t.pgettext(CONTACT_CONTEXT, contact.note))
    return "\n".join(lines)


def compact_card(contact: Contact, now: dt.datetime, t: Translator) -> str:
    """One line for SMS, where every character costs: who, the number, open or not."""
    label = t.pgettext(CONTACT_CONTEXT, contact.label)
    return f"{label}: {display_phone(contact.phone)}. {describe_status(contact.hours, now, t)}"
