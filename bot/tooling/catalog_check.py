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
        where = (language, message.context or "", str(message.id))
        if translated is None or not translated.string:
            problems.append(Problem(*where, "missing translation"))
        elif translated.fuzzy:
            problems.append(Problem(*where, "fuzzy: needs review"))
        elif placeholders(translated.string) != placeholders(str(message.id)):
            problems.append(
                Problem(*where, f"placeholders differ: {sorted(placeholders(translated.string))}")
            )
    return problems


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
