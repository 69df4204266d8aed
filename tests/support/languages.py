"""The languages the tests follow: those enabled in bot/data/content/languages.yml.

A test that runs "in every language" is parametrized with `ENABLED`. What a person
would type differs per language, so those phrases live in `Phrases` tables; an
enabled language without a phrase fails the test that needs it (it never skips).
"""

from __future__ import annotations

from typing import Dict, List

import pytest

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


EMERGENCY = Phrases(
    "EMERGENCY (tests/support/languages.py)",
    {
        "lv": "mani sit, palīgā",
        "en": "they are beating me right now help",
        "ru": "меня бьют, помогите",
    },
)
