"""Are the catalogs complete? Every msgid of the template translated in every
enabled language, nothing fuzzy, the same {placeholders} everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.i18n.catalogs import placeholders
from bot.paths import CATALOG_DOMAIN


@dataclass(frozen=True)
class Problem:
    language: str
    context: str
    msgid: str
    issue: str

    def __str__(self) -> str:
        return f"[{self.language}] ({self.context}) {self.msgid!r}: {self.issue}"


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def catalog_problems(template: Catalog, catalog: Catalog, language: str) -> List[Problem]:
    problems = []
    for message in template:
        if not message.id:
            continue
        translated = catalog.get(message.id, context=message.context)
        where = (language, message.context or "", _text(message.id))
        forms = _forms(translated.string) if translated is not None else []
        if not forms or not all(forms):
            problems.append(Problem(*where, "missing translation"))
        elif translated.fuzzy:
            problems.append(Problem(*where, "fuzzy: needs review"))
        elif message.pluralizable and len(forms) != catalog.num_plurals:
            problems.append(Problem(*where, f"{len(forms)} plural forms, the language has {catalog.num_plurals}"))
        else:
            wanted = placeholders(_text(message.id))
            for form in forms:
                if placeholders(form) != wanted:
                    problems.append(Problem(*where, f"placeholders differ: {sorted(placeholders(form))}"))
    return problems


def _forms(string) -> List[str]:
    """A translation's forms: one, or one per plural form of its language."""
    return list(string) if isinstance(string, (list, tuple)) else [string]


def _text(msgid) -> str:
    """A msgid as text; a counted one by its plural ("{n} days")."""
    return msgid[-1] if isinstance(msgid, (list, tuple)) else str(msgid)


def check_catalogs(locales_dir: Path, languages: Iterable[str]) -> List[Problem]:
    template = read_catalog(locales_dir / f"{CATALOG_DOMAIN}.pot")
    problems: List[Problem] = []
    for language in languages:
        po_file = locales_dir / language / "LC_MESSAGES" / f"{CATALOG_DOMAIN}.po"
        if not po_file.exists():
            problems.append(Problem(language, "", "", f"{po_file} does not exist"))
            continue
        problems += catalog_problems(template, read_catalog(po_file), language)
    return problems
