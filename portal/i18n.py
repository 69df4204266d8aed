"""Latvian and English for the staff portal (Babel/gettext).

English is the source language; Latvian lives in portal/locales/lv. Catalogs
are compiled by `python -m portal i18n compile` (make portal-setup); if the .mo
is missing or older than its .po, it is compiled in memory instead, so a fresh
checkout still shows Latvian.
"""

from __future__ import annotations

import gettext
import io
import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from portal.vocabulary import STAFF_LANGUAGES

LOCALES = Path(__file__).resolve().parent / "locales"
DEFAULT_LANGUAGE = "lv"
DOMAIN = "messages"
log = logging.getLogger("portal.i18n")


def po_path(language: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def load(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    po, mo = po_path(language), po_path(language).with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    log.info("compiling %s in memory (run `python -m portal i18n compile`)", po)
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


class Translator:
    """The gettext functions for one language, handed to templates and views."""

    def __init__(self, language: str, translations: gettext.NullTranslations):
        self.language = language
        self.gettext = translations.gettext
        self.ngettext = translations.ngettext
        self.pgettext = translations.pgettext


class Catalogs:
    def __init__(self) -> None:
        self._by_language = {language: Translator(language, load(language)) for language in STAFF_LANGUAGES}

    def get(self, language: str | None) -> Translator:
        return self._by_language.get(language or "", self._by_language[DEFAULT_LANGUAGE])


def negotiate(accept_language: str | None) -> str:
    """The first of lv/en in an Accept-Language header, else Latvian."""
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in STAFF_LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def compile_all() -> list[Path]:
    written = []
    for language in STAFF_LANGUAGES:
        po = po_path(language)
        if not po.exists():
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as handle:
            write_mo(handle, catalog)
        written.append(mo)
    return written
