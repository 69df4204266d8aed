"""Which language a message is written in, only when that is clear.

Pure: no Rasa and no files. What it knows about a language comes from sample
texts (bot/language/samples.py gives it the project's own NLU examples and
translated catalogs), so a language is recognised as soon as it has those.

1. Words are runs of letters. A Capitalised word that does not start a
   sentence is taken for a name and set aside, and so are digits.
2. There must be enough left to judge: at least `min_words` words with
   `min_letters` letters, more letters than digits, fewer names than words.
3. Most of those letters must be in one script (Latin, Cyrillic, Devanagari,
   Arabic ...); words in other scripts are left out of the comparison.
4. Every language is profiled per script it is written in: Russian has a
   Cyrillic profile and, from the transliterated examples people really type
   ("menya ne otpuskayut"), a Latin one. A profile holds the frequencies of
   character 1- to 3-grams of words. The message's words are compared with
   the profiles of its script only.
5. The best language must fit the message: it has seen every letter of it
   (Ukrainian "ї", "є" or Polish "ł" are no Russian or Latvian) and most of
   its trigrams. And it must beat the second best by a clear margin (mean
   log-likelihood per n-gram). In a script that only one profiled language
   writes in, the fit is enough.

Otherwise the answer is None: not sure is a fine answer, because the caller
only ever offers a language, and an offer at the wrong time is a nuisance.
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Mapping, Optional, Tuple

from bot.forms.text import APOSTROPHES, fold

SENTENCE_END = ".!?\u2026\u0964\u06d4\u061f"
NGRAM_ORDERS = (1, 2, 3)
# A profile from fewer letters than this describes nothing (a few stray words).
MIN_PROFILE_LETTERS = 500
# Additive smoothing: the weight of an n-gram a profile has never seen.
SMOOTHING = 0.5


@dataclass(frozen=True)
class Thresholds:
    min_words: int = 4
    min_letters: int = 20
    min_script_share: float = 0.8
    min_margin: float = 0.3  # nats per n-gram between the best and the second language
    max_unseen: float = 0.35  # of the message's trigrams, the share the best profile has never seen


@dataclass(frozen=True)
class Word:
    text: str  # as written
    script: Optional[str]
    starts_sentence: bool

    @property
    def is_name(self) -> bool:
        return len(self.text) > 1 and self.text[0].isupper() and not self.text.isupper() and not self.starts_sentence


def script_of(char: str) -> Optional[str]:
    """The Unicode script of a letter (its name's first word: LATIN, CYRILLIC ...), or None."""
    if not char.isalpha():
        return None
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name and not name.startswith("MODIFIER") else None


def _in_word(char: str) -> bool:
    return char.isalpha() or unicodedata.category(char).startswith("M")


def words(text: str) -> List[Word]:
    """The words of a text (letters, marks, inner apostrophes), each with its main script."""
    found: List[Word] = []
    current: List[str] = []
    starts_sentence = True

    def close() -> None:
        nonlocal starts_sentence
        if current:
            word = "".join(current).strip("'")
            scripts = Counter(s for s in map(script_of, word) if s)
            script = scripts.most_common(1)[0][0] if scripts else None
            found.append(Word(word, script, starts_sentence))
            starts_sentence = False
            current.clear()

    for char in text:
        if _in_word(char):
            current.append(char)
        elif char in APOSTROPHES and current:
            current.append("'")
        else:
            close()
            if char in SENTENCE_END or char == "\n":
                starts_sentence = True
    close()
    return found


def ngrams(word: str) -> Iterable[str]:
    """Character n-grams of a word padded with spaces, case and Latin/Cyrillic diacritics folded."""
    padded = f" {fold(word)} "
    for n in NGRAM_ORDERS:
        for start in range(len(padded) - n + 1):
            gram = padded[start:start + n]
            if gram.strip():
                yield gram


@dataclass(frozen=True)
class Profile:
    language: str
    script: str
    counts: Mapping[str, int]
    total: int

    @property
    def letters(self) -> int:
        return sum(c for g, c in self.counts.items() if len(g) == 1)


@dataclass(frozen=True)
class Reading:
    """What the identifier saw in a message, for tests and for tuning."""

    language: Optional[str]
    reason: str
    script: Optional[str] = None
    scores: List[Tuple[str, float]] = field(default_factory=list)  # best first
    unseen: float = 0.0


class LanguageIdentifier:
    def __init__(self, profiles: Iterable[Profile], thresholds: Thresholds = Thresholds()) -> None:
        self.thresholds = thresholds
        self._by_script: Dict[str, List[Profile]] = {}
        for profile in profiles:
            self._by_script.setdefault(profile.script, []).append(profile)
        self._vocabulary = {
            script: len({g for p in group for g in p.counts}) + 1 for script, group in self._by_script.items()
        }

    @classmethod
    def from_samples(
        cls, samples: Mapping[str, Iterable[str]], thresholds: Thresholds = Thresholds()
    ) -> "LanguageIdentifier":
        return cls(build_profiles(samples), thresholds)

    @property
    def languages(self) -> List[str]:
        return sorted({language for language, _ in self.profiled})

    @property
    def profiled(self) -> List[Tuple[str, str]]:
        """(language, script) of every profile."""
        return sorted((p.language, p.script) for group in self._by_script.values() for p in group)

    def identify(self, text: str) -> Optional[str]:
        """The language `text` is clearly written in, or None."""
        return self.read(text).language

    def read(self, text: str) -> Reading:
        """The verdict on `text`, with the reason when there is none."""
        text = text or ""
        found = words(text)
        content = [w for w in found if w.script and not w.is_name]
        refusal = self._too_little(text, found, content)
        if refusal:
            return Reading(None, refusal)
        letters = Counter()
        for word in content:
            letters[word.script] += len(word.text)
        script, count = letters.most_common(1)[0]
        if count < self.thresholds.min_script_share * sum(letters.values()):
            return Reading(None, "mixed scripts", script)
        if script not in self._by_script:
            return Reading(None, "no language profiled in this script", script)
        return self._judge(script, [g for w in content if w.script == script for g in ngrams(w.text)])

    def _too_little(self, text: str, found: List[Word], content: List[Word]) -> Optional[str]:
        letters = sum(len(w.text) for w in content)
        digits = sum(ch.isdigit() for ch in text)
        names = sum(w.is_name for w in found)
        if digits and digits >= letters:
            return "mostly numbers"
        if names and names >= len(content):
            return "mostly names"
        if len(content) < self.thresholds.min_words or letters < self.thresholds.min_letters:
            return "too short"
        return None

    def _judge(self, script: str, grams: List[str]) -> Reading:
        profiles = {p.language: p for p in self._by_script[script]}
        scores = sorted(
            ((language, self._score(p, grams)) for language, p in profiles.items()),
            key=lambda item: item[1],
            reverse=True,
        )
        best = profiles[scores[0][0]]
        if any(len(g) == 1 and g.isalpha() and g not in best.counts for g in grams):
            return Reading(None, "letters the best language does not use", script, scores)
        longest = [g for g in grams if len(g) == NGRAM_ORDERS[-1]] or grams
        unseen = sum(g not in best.counts for g in longest) / len(longest)
        if unseen > self.thresholds.max_unseen:
            return Reading(None, "fits no profile", script, scores, unseen)
        if len(scores) > 1 and scores[0][1] - scores[1][1] < self.thresholds.min_margin:
            return Reading(None, "no clear winner", script, scores, unseen)
        return Reading(best.language, "clear", script, scores, unseen)

    def _score(self, profile: Profile, grams: List[str]) -> float:
        """Mean log-probability of the n-grams under the profile (additive smoothing)."""
        denominator = math.log(profile.total + SMOOTHING * self._vocabulary[profile.script])
        counts = profile.counts
        return sum(math.log(counts.get(g, 0) + SMOOTHING) - denominator for g in grams) / len(grams)


def build_profiles(samples: Mapping[str, Iterable[str]]) -> List[Profile]:
    """One profile per language and script with enough text in it."""
    counts: Dict[Tuple[str, str], Counter] = {}
    for language, texts in samples.items():
        for text in texts:
            for word in words(text):
                if word.script:
                    counts.setdefault((language, word.script), Counter()).update(ngrams(word.text))
    profiles = [
        Profile(language, script, dict(grams), sum(grams.values()))
        for (language, script), grams in sorted(counts.items())
    ]
    return [p for p in profiles if p.letters >= MIN_PROFILE_LETTERS]
