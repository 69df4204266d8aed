"""The emergency safety net's words (bot/data/content/emergency_keywords/<lang>.yml),
used by bot/server/present_danger.py:

- `phrases`: words that always mean acute danger, on their own ("меня заперли");
- `present_cues`: words that put a report of violence, threats or confinement in
  the present ("right now", "tagad", "сейчас", "he is hitting").

Matching ignores case, diacritics and punctuation and needs whole words, so
"palīgā" matches "PALIGA!!" but a phrase never matches inside another word.
Apostrophes join the word they are in: "i'm trapped" is "im trapped", and
"menya b'yut" (a soft sign typed as an apostrophe) is "menya byut".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List

import yaml

from bot.forms.text import WORD_END, WORD_START, normalise, without_apostrophes


def plain(text: str) -> str:
    """Text as the safety net compares it."""
    return normalise(without_apostrophes(text))


class Phrases:
    """Whole words or phrases, any of which may occur anywhere in a text."""

    def __init__(self, phrases: Iterable[str]) -> None:
        normalised = sorted({plain(p) for p in phrases} - {""}, key=len, reverse=True)
        self._pattern = (
            re.compile(WORD_START + "(?:" + "|".join(map(re.escape, normalised)) + ")" + WORD_END)
            if normalised
            else None
        )

    def found_in(self, text: str) -> bool:
        return bool(self._pattern and self._pattern.search(plain(text)))


@dataclass(frozen=True)
class SafetyWords:
    danger: Phrases
    present: Phrases


def load_phrases(directory: Path, key: str = "phrases") -> List[str]:
    """One list (`phrases` or `present_cues`) of every language file in the directory."""
    phrases: List[str] = []
    for path in sorted(directory.glob("*.yml")):
        phrases.extend(str(p) for p in yaml.safe_load(path.read_text(encoding="utf-8")).get(key) or [])
    return phrases


def load_safety_words(directory: Path) -> SafetyWords:
    return SafetyWords(
        danger=Phrases(load_phrases(directory, "phrases")),
        present=Phrases(load_phrases(directory, "present_cues")),
    )
