"""The emergency safety net's phrases (bot/data/content/emergency_keywords/):
words that always mean acute danger, used by bot/server/emergency.py.

Matching ignores case, diacritics and punctuation and needs whole words, so
"palīgā" matches "PALIGA!!" but a phrase never matches inside another word.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, List

import yaml

from bot.forms.text import normalise


class DangerPhrases:
    def __init__(self, phrases: Iterable[str]) -> None:
        normalised = sorted({normalise(p) for p in phrases if normalise(p)}, key=len, reverse=True)
        self._pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, normalised)) + r")(?!\w)")
            if normalised
            else None
        )

    def found_in(self, text: str) -> bool:
        return bool(self._pattern and self._pattern.search(normalise(text)))


def load_phrases(directory: Path) -> List[str]:
    phrases: List[str] = []
    for path in sorted(directory.glob("*.yml")):
        phrases.extend(str(p) for p in yaml.safe_load(path.read_text(encoding="utf-8"))["phrases"])
    return phrases
