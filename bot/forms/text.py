"""Text as the matchers compare it: lower case, no diacritics, no punctuation.

Shared by reply words (bot/forms/words.py), language names
(bot/language/names.py) and the danger phrases (bot/server/danger_phrases.py),
so "PALIGA!!" meets "palīgā" everywhere the same way.
"""

from __future__ import annotations

import re
import unicodedata


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", stripped).split())
