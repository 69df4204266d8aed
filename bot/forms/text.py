"""Text as the matchers compare it, in one place for every reader: reply words
(bot/forms/words.py), language names (bot/language/names.py), the danger phrases
(bot/server/danger_phrases.py, which also drops apostrophes) and SMS keywords
(bot/sms/keywords.py, likewise).

Only the Latin and Cyrillic diacritics (U+0300-U+036F) are dropped, so "PALIGA!!"
meets "palīgā"; in Devanagari or Arabic script the marks are part of the letters
and stay. The matchers also read the Kazakh, Kyrgyz, Tajik, Uzbek and Ukrainian
letters that a Russian keyboard lacks as the letters typed instead ("комек" is
"көмек"); the language identifier keeps them, they tell those languages apart.
"""

from __future__ import annotations

import unicodedata
from typing import List, Tuple

# Typed inside words ("don't", "he’s", Russian in Latin letters "ub'yot" for "убьёт").
APOSTROPHES = "'\u2018\u2019\u02bb\u02bc`\u00b4"


def fold(text: str) -> str:
    """Case-folded, without Latin and Cyrillic diacritics."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not 0x300 <= ord(ch) <= 0x36F)


# Letters of Cyrillic alphabets beyond Russian, as people without the right keyboard
# type them (ӣ, ӯ and ў fold as diacritics already).
RUSSIAN_KEYBOARD = str.maketrans(
    "\u04d9\u0493\u049b\u04a3\u04e9\u04b1\u04af\u04bb\u0456\u04b3\u04b7",  # ә ғ қ ң ө ұ ү һ і ҳ ҷ
    "\u0430\u0433\u043a\u043d\u043e\u0443\u0443\u0445\u0438\u0445\u0447",  # а г к н о у у х и х ч
)


def matchable(text: str) -> str:
    """fold(), with the letters a Russian keyboard lacks as the ones typed instead."""
    return fold(text).translate(RUSSIAN_KEYBOARD)


# Word edges in normalise()d text, where only spaces separate words. Not \b or \w:
# Python's \w leaves out Devanagari vowel signs and Arabic marks, so "मार" would
# end a word inside "मारा".
WORD_START = r"(?<![^ ])"
WORD_END = r"(?![^ ])"


def without_apostrophes(text: str) -> str:
    """The text with its apostrophes dropped, so "I'm" meets "Im" (normalise() would give "i m")."""
    return "".join(ch for ch in text if ch not in APOSTROPHES)


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or unicodedata.category(ch).startswith("M")


def normalise(text: str) -> str:
    """matchable(), with every run of other characters than letters, digits and marks as one space."""
    return " ".join("".join(ch if _word_char(ch) else " " for ch in matchable(text)).split())


def folded_with_offsets(text: str) -> Tuple[str, List[int]]:
    """matchable(), with every character other than letters, digits and marks as a space,
    and for each character of the result the index of the character it came from,
    so a match in the folded text can be cut out of the original."""
    folded: List[str] = []
    origin: List[int] = []
    for index, ch in enumerate(text):
        for out in matchable(ch):
            folded.append(out if _word_char(out) else " ")
            origin.append(index)
    return "".join(folded), origin
