"""The languages Palīgs offers, read from bot/data/content/languages.yml."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from bot.paths import CONTENT_DIR

# The catalogs' context of `in_language` ("in Russian" -> "по-русски").
IN_LANGUAGE_CONTEXT = "in_language"


@dataclass(frozen=True)
class Language:
    code: str
    native_name: str
    locale: str
    direction: str
    enabled: bool
    # how people name it, in every script and spelling; `*` ends a prefix (bot/language/mentions.py)
    names: Tuple[str, ...] = ()
    in_language: str = ""  # English for "in <this language>", a msgid (context `in_language`)


@dataclass(frozen=True)
class LanguageRegistry:
    default: str
    source_language: str
    all: Dict[str, Language]
    # Languages people ask for that Palīgs does not speak: code -> how people name them.
    # Named, they get "not available yet" and the choice, never a misunderstanding.
    not_offered: Dict[str, Tuple[str, ...]] = field(default_factory=dict)

    def known(self, code: str) -> bool:
        """A language people may name: one of ours (enabled or not) or one we do not offer."""
        return code in self.all or code in self.not_offered

    @property
    def enabled(self) -> List[Language]:
        return [lang for lang in self.all.values() if lang.enabled]

    @property
    def enabled_codes(self) -> List[str]:
        return [lang.code for lang in self.enabled]

    def supported(self, code: Optional[str]) -> Optional[str]:
        """The code if people may use it, else None."""
        code = (code or "").strip().lower()
        return code if code in self.enabled_codes else None

    def get(self, code: str) -> Language:
        return self.all[code]


def load_registry(path: Path) -> LanguageRegistry:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    languages = {
        item["code"]: Language(**{**item, "names": tuple(item.get("names", ()))})
        for item in raw["languages"]
    }
    not_offered = {item["code"]: tuple(item["names"]) for item in raw.get("not_offered", ())}
    return LanguageRegistry(
        default=raw["default"], source_language=raw["source_language"], all=languages, not_offered=not_offered
    )


@lru_cache(maxsize=1)
def registry() -> LanguageRegistry:
    return load_registry(CONTENT_DIR / "languages.yml")
