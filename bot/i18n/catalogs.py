"""Gettext catalogs: every word a person reads comes through here.

Messages are English msgids with a context (msgctxt): the response name for
response texts, "button" for button titles, a capability name for texts that
actions compose themselves. Catalogs are compiled to .mo by `make i18n`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, Optional, Set

from babel.support import Translations

from bot.language.registry import registry
from bot.paths import CATALOG_DOMAIN, LOCALES_DIR

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def placeholders(text: str) -> Set[str]:
    """The {name} placeholders in a message, which every translation must keep."""
    return set(PLACEHOLDER.findall(text or ""))


class MissingCatalog(RuntimeError):
    pass


class Catalogs:
    """Compiled catalogs of the enabled languages, loaded once each."""

    def __init__(self, locales_dir: Path = LOCALES_DIR) -> None:
        self._locales_dir = locales_dir
        self._loaded: Dict[str, Translations] = {}

    def translations(self, lang: str) -> Translations:
        if lang not in self._loaded:
            mo_file = self._locales_dir / lang / "LC_MESSAGES" / f"{CATALOG_DOMAIN}.mo"
            if not mo_file.exists():
                raise MissingCatalog(
                    f"{mo_file} is missing: run `make i18n` to compile the catalogs"
                )
            with mo_file.open("rb") as handle:
                self._loaded[lang] = Translations(handle, domain=CATALOG_DOMAIN)
        return self._loaded[lang]

    def pgettext(self, lang: str, context: str, msgid: str) -> str:
        return self.translations(lang).pgettext(context, msgid)

    def npgettext(self, lang: str, context: str, singular: str, plural: str, n: int) -> str:
        """The form of a counted phrase that `n` takes in `lang` (its catalog's plural rules)."""
        return self.translations(lang).npgettext(context, singular, plural, n)

    def translator(self, lang: str) -> "Translator":
        return Translator(self, lang)


class Translator:
    """Translates for one language; `pgettext` is the name Babel extracts."""

    def __init__(self, catalogs: Catalogs, lang: str) -> None:
        self.catalogs = catalogs
        self.lang = lang
        self.locale = registry().get(lang).locale

    def pgettext(self, context: str, msgid: str, **values: object) -> str:
        text = self.catalogs.pgettext(self.lang, context, msgid)
        return fill(text, values) if values else text

    def npgettext(self, context: str, singular: str, plural: str, n: int, **values: object) -> str:
        """A counted phrase, {n} filled: "1 day", "2 days"; "1 diena", "2 dienas", "10 dienu"."""
        return fill(self.catalogs.npgettext(self.lang, context, singular, plural, n), {"n": n, **values})


def fill(text: str, values: Dict[str, object]) -> str:
    """Fill {name} placeholders; unknown ones stay visible rather than crash."""
    return PLACEHOLDER.sub(
        lambda match: str(values.get(match.group(1), match.group(0))), text
    )


_default_catalogs: Optional[Catalogs] = None


def default_catalogs() -> Catalogs:
    global _default_catalogs
    if _default_catalogs is None:
        _default_catalogs = Catalogs()
    return _default_catalogs
