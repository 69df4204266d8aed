"""Typed choices in any form: numbers, and words per language.

The words live in bot/data/forms/words.yml. Entries of up to three letters must be
whole words ("ne", "да", "any"); longer ones match the start of a word, so "строй"
finds "на стройке" and "drosa" finds "Drošās mājas". When several entries match,
the longest wins; a tie between different choices is no answer at all (ask again
rather than guess).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

from bot.forms.text import WORD_END, WORD_START, normalise
from bot.paths import FORMS_DATA_DIR

WHOLE_WORD_MAX = 3
# Words under this key are the same in every language (names of organisations).
EVERY_LANGUAGE = "all"


def _pattern(entry: str) -> re.Pattern[str]:
    word = re.escape(normalise(entry))
    tail = WORD_END if len(normalise(entry)) <= WHOLE_WORD_MAX else ""
    return re.compile(WORD_START + word + tail)


@dataclass(frozen=True)
class Choices:
    """The words for one question's options, in every language that has them."""

    entries: Dict[str, Dict[str, Tuple[str, ...]]]  # option -> language -> words

    def match(self, text: str, lang: str) -> Optional[str]:
        cleaned = normalise(text)
        best: List[Tuple[int, str]] = []
        for option, by_lang in self.entries.items():
            for entry in by_lang.get(lang, ()) + by_lang.get(EVERY_LANGUAGE, ()):
                if normalise(entry) and _pattern(entry).search(cleaned):
                    best.append((len(normalise(entry)), option))
        if not best:
            return None
        longest = max(length for length, _ in best)
        options = {option for length, option in best if length == longest}
        return options.pop() if len(options) == 1 else None


def pick_by_number(text: str, options: Sequence[str]) -> Optional[str]:
    """A message that is only a number ("2", " 2. ") picks that option, counted from 1."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*[.)]?\s*", text or "")
    if not match:
        return None
    index = int(match.group(1))
    return options[index - 1] if 1 <= index <= len(options) else None


def number_in(text: str) -> Optional[int]:
    """The first whole number in a message, e.g. an age: "I am 16" -> 16."""
    match = re.search(r"(?<!\d)(\d{1,3})(?!\d)", text or "")
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class Vocabulary:
    answers: Choices
    age_group: Choices
    location: Choices
    sector: Choices
    provider: Choices


def load_vocabulary(path: Path) -> Vocabulary:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))

    def choices(section: str) -> Choices:
        return Choices(
            {
                str(option): {lang: tuple(str(w) for w in words) for lang, words in by_lang.items()}
                for option, by_lang in raw[section].items()
            }
        )

    return Vocabulary(
        answers=choices("answers"),
        age_group=choices("age_group"),
        location=choices("location"),
        sector=choices("sector"),
        provider=choices("provider"),
    )


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    return load_vocabulary(FORMS_DATA_DIR / "words.yml")
