"""The catalog workflow around Babel's pybabel: extract, update, compile, check."""

from __future__ import annotations

import os

from babel.messages.frontend import CommandLineInterface

from bot.language.registry import registry
from bot.paths import BOT_DIR, CATALOG_DOMAIN, LOCALES_DIR, REPO_DIR
from bot.tooling.catalog_check import check_catalogs, read_catalog

TEMPLATE = LOCALES_DIR / f"{CATALOG_DOMAIN}.pot"


def _pybabel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract() -> None:
    os.chdir(REPO_DIR)
    _pybabel(
        "extract", "-F", str(BOT_DIR / "babel.cfg"), "-o", str(TEMPLATE),
        "--project", "Paligs", "--copyright-holder", "Palīgs contributors",
        "--ignore-dirs", "node_modules", "--sort-by-file", "bot",
    )


def update() -> None:
    """Merge the template into every enabled language; create missing catalogs."""
    extract()
    for lang in registry().enabled_codes:
        po_file = LOCALES_DIR / lang / "LC_MESSAGES" / f"{CATALOG_DOMAIN}.po"
        if not po_file.exists():
            _pybabel("init", "-i", str(TEMPLATE), "-d", str(LOCALES_DIR), "-D", CATALOG_DOMAIN, "-l", lang)
    _pybabel(
        "update", "-i", str(TEMPLATE), "-d", str(LOCALES_DIR), "-D", CATALOG_DOMAIN,
        "--no-fuzzy-matching", "--ignore-obsolete",
    )
    _fill_source_language()


def _fill_source_language() -> None:
    """The source language's msgstr is its msgid until someone edits it."""
    from babel.messages.pofile import write_po

    po_file = LOCALES_DIR / registry().source_language / "LC_MESSAGES" / f"{CATALOG_DOMAIN}.po"
    catalog = read_catalog(po_file)
    for message in catalog:
        if message.id and not all(message.string if message.pluralizable else [message.string]):
            message.string = message.id
    with po_file.open("wb") as handle:
        write_po(handle, catalog, width=100, sort_by_file=True)


def compile_catalogs() -> None:
    _pybabel("compile", "-d", str(LOCALES_DIR), "-D", CATALOG_DOMAIN)


def check() -> int:
    problems = check_catalogs(LOCALES_DIR, registry().enabled_codes)
    for problem in problems:
        print(problem)
    print(f"{len(problems)} catalog problem(s) in {', '.join(registry().enabled_codes)}")
    return 1 if problems else 0


def run(task: str) -> int:
    if task == "extract":
        extract()
    elif task == "update":
        update()
    elif task == "compile":
        compile_catalogs()
    elif task == "check":
        return check()
    return 0
