"""Where a message names a language ("po-russki", "krievu valodā", "اردو میں").

The names are data (`names` in bot/data/content/languages.yml), in every script
and spelling people type; a name ending in `*` also matches longer words, which
covers inflections ("русск*": русский, русском, по-русски). Matching ignores case,
diacritics and punctuation and needs whole words, as everywhere (bot/forms/text.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Tuple

from bot.forms.text import WORD_END, WORD_START, folded_with_offsets, normalise
from bot.language.registry import LanguageRegistry


@dataclass(frozen=True)
class Mention:
    code: str
    start: int
    end: int
    text: str


def _name_pattern(name: str) -> str:
    prefix = name.endswith("*")
    words = normalise(name.rstrip("*")).split()
    pattern = " +".join(map(re.escape, words))
    return pattern + (r"[^ ]*" if prefix else "") + WORD_END


class LanguageMentions:
    def __init__(self, languages: LanguageRegistry) -> None:
        names: List[Tuple[str, str]] = [
            (name, language.code)
            for language in languages.all.values()
            for name in (language.native_name, *language.names)
        ] + [(name, code) for code, spoken_names in languages.not_offered.items() for name in spoken_names]
        # longest first, so "krievu valodā" is one mention, not "krievu"
        names.sort(key=lambda pair: len(pair[0]), reverse=True)
        # One pattern without groups finds the mentions (hundreds of capturing groups made
        # every message cost about 3.5 ms); which name matched is asked only where one did,
        # in the same order, so the first name that matches there wins, as in the pattern.
        self._names = [(re.compile(_name_pattern(name)), code) for name, code in names]
        self._pattern = re.compile(WORD_START + "(?:" + "|".join(_name_pattern(name) for name, _ in names) + ")")

    def find(self, text: str) -> List[Mention]:
        folded, origin = folded_with_offsets(text)
        mentions = []
        for match in self._pattern.finditer(folded):
            code = next(code for name, code in self._names if name.match(folded, match.start()))
            start, end = origin[match.start()], origin[match.end() - 1] + 1
            mentions.append(Mention(code, start, end, text[start:end]))
        return mentions
