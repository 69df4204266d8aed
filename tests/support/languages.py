"""The languages the tests follow: those enabled in bot/data/content/languages.yml.

A test that runs "in every language" is parametrized with `ENABLED`. What a person
would type differs per language, so those phrases live in one file per language,
tests/support/phrases/<code>.yml, read into `Phrases` tables by `phrases(key)`; an
enabled language without a phrase fails the test that needs it (it never skips).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from bot.language.registry import registry

ENABLED: List[str] = list(registry().enabled_codes)
DEFAULT: str = registry().default


def native_names() -> List[str]:
    """The enabled languages as the language menu offers them, in registry order."""
    return [language.native_name for language in registry().enabled]


def other_language(lang: str, step: int = 1) -> str:
    """Another enabled language: the one `step` places after `lang` in the registry (wrapping)."""
    if len(ENABLED) < 2:
        pytest.fail(f"switching languages needs two enabled languages; languages.yml enables {ENABLED}")
    return ENABLED[(ENABLED.index(lang) + step) % len(ENABLED)]


class Phrases(dict):
    """One test phrase per language code. Asking for a language it lacks fails the test."""

    def __init__(self, name: str, by_language: Dict[str, str]) -> None:
        super().__init__(by_language)
        self.name = name

    def __missing__(self, lang: str) -> str:
        pytest.fail(
            f"no test phrase {self.name} for {lang!r}, a language that languages.yml enables: add one",
            pytrace=False,
        )


PHRASES_DIR = Path(__file__).parent / "phrases"


@lru_cache(maxsize=None)
def _phrase_file(lang: str) -> Dict[str, Any]:
    path = PHRASES_DIR / f"{lang}.yml"
    return yaml.safe_load(path.read_text("utf-8")) if path.is_file() else {}


def phrases(key: str) -> Phrases:
    """The test phrase `key` of every language that has one in tests/support/phrases/."""
    by_language = {
        path.stem: _phrase_file(path.stem)[key]
        for path in sorted(PHRASES_DIR.glob("*.yml"))
        if key in _phrase_file(path.stem)
    }
    return Phrases(f"{key!r} (tests/support/phrases/<code>.yml)", by_language)


EMERGENCY = phrases("emergency")
