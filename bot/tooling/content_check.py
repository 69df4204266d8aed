"""Facts that staff must confirm: marked `verify`, or checked over a year ago."""

from __future__ import annotations

import datetime as dt
from typing import List, Optional

from bot.contacts.book import contact_book
from bot.rights.topics import rights

MAX_AGE = dt.timedelta(days=365)


def _reasons(verify: bool, verified_on: dt.date, today: dt.date) -> List[str]:
    reasons = []
    if verify:
        reasons.append("marked verify")
    if today - verified_on > MAX_AGE:
        reasons.append(f"last checked {verified_on.isoformat()}")
    return reasons


def report(today: Optional[dt.date] = None) -> List[str]:
    today = today or dt.date.today()
    facts = [("contacts.yml", c.id, c.verify, c.verified_on, c.source) for c in contact_book().all()]
    facts += [("rights.yml", t.id, t.verify, t.verified_on, t.source) for t in rights().topics.values()]
    lines = []
    for file, fact_id, verify, verified_on, source in facts:
        reasons = _reasons(verify, verified_on, today)
        if reasons:
            lines.append(f"{file} {fact_id}: {', '.join(reasons)} (source: {source})")
    return lines
