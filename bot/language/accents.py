"""Putting the accents back on a message typed without them, before it is embedded.

People on cheap phones often write Latvian or Romanian in plain Latin letters
("manas tiesibas", "nu mai vreau intrebari"). The n-gram features strip accents
anyway, but the sentence encoder reads "tiesibas" as a different, rarer word than
"tiesības": measured with the encoder alone, Latvian messages typed without
accents were understood half as often as the others when the model had no
Latvian examples (51 % against 77 %).

The spellings come from the translated catalogs, which every enabled language has
before any of its examples exist. A message is changed only when
- it has no letter outside ASCII (a person who typed one accent meant the rest);
- most of its words are words of one language's catalog, and no other language's
  catalog holds as many ("bus ticket" stays English, not Latvian "būs").
Each word then takes the spelling that language's catalog uses most for it.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Dict, FrozenSet, Iterable, Mapping, Optional

WORD = re.compile(r"[^\W\d_]+")


def strip_accents(word: str) -> str:
    """The word without its combining marks: "tiesības" -> "tiesibas", "să" -> "sa"."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


@dataclass(frozen=True)
class Spellings:
    """One language: the plain form of every Latin word its texts use, and for the
    words mostly written with accents, that accented form."""

    words: FrozenSet[str]
    accented: Mapping[str, str]

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> "Spellings":
        forms: Dict[str, Counter] = defaultdict(Counter)
        for text in texts:
            for word in WORD.findall(text.lower()):
                plain = strip_accents(word)
                if plain.isascii():  # Latin letters only: Cyrillic "й" is not "и" with a mark
                    forms[plain][word] += 1
        accented = {}
        for plain, counts in forms.items():
            # most_common keeps first-seen order among equals; sorting makes a tie deterministic
            [(best, _)] = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:1]
            if best != plain:
                accented[plain] = best
        return cls(frozenset(forms), accented)


class AccentRestorer:
    def __init__(self, languages: Mapping[str, Spellings]) -> None:
        self._languages = dict(languages)

    @classmethod
    def from_texts(cls, texts_by_language: Mapping[str, Iterable[str]]) -> "AccentRestorer":
        return cls({code: Spellings.from_texts(texts) for code, texts in texts_by_language.items()})

    def fingerprint(self) -> str:
        """Changes whenever a restoration could: the words and spellings of every language."""
        content = {
            code: [sorted(spellings.words), sorted(spellings.accented.items())]
            for code, spellings in sorted(self._languages.items())
        }
        return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()

    def language_of(self, text: str) -> Optional[str]:
        """The language whose accents the text lacks, or None when that is not clear."""
        if any(not char.isascii() for char in text if char.isalpha()):
            return None
        words = [word.lower() for word in WORD.findall(text)]
        if not words:
            return None
        coverage = sorted(
            ((sum(word in spellings.words for word in words), code) for code, spellings in self._languages.items()),
            reverse=True,
        )
        if not coverage:
            return None
        best, code = coverage[0]
        runner_up = coverage[1][0] if len(coverage) > 1 else 0
        if best * 2 < len(words) or best == runner_up or not self._languages[code].accented:
            return None
        return code

    def restore(self, text: str) -> str:
        code = self.language_of(text)
        if code is None:
            return text
        accented = self._languages[code].accented

        def respell(match: "re.Match[str]") -> str:
            word = match.group(0)
            found = accented.get(word.lower())
            if found is None:
                return word
            return found.capitalize() if word[:1].isupper() else found

        return WORD.sub(respell, text)
