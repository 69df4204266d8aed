"""Facts that staff must confirm: marked `verify`, or checked over a year ago."""

from __future__ import annotations

import datetime as dt
from typing import List, Optional

from bot.content import contact_book

MAX_AGE = dt.timedelta(days=365)


def report(today: Optional[dt.date] = None) -> List[str]:
    today = today or dt.date.today()
    lines = []
    for contact in contact_book().all():
        reasons = []
        if contact.verify:
            reasons.append("marked verify")
        if today - contact.verified_on > MAX_AGE:
            reasons.append(f"last checked {contact.verified_on.isoformat()}")
        if reasons:
            lines.append(f"contacts.yml {contact.id}: {', '.join(reasons)} (source: {contact.source})")
    return lines
