"""`python -m portal i18n extract`: collect every msgid (Python with `_`/`N_`,
templates, indicator labels from indicators.yml with context "indicator") and
merge them into portal/locales/<lang>/LC_MESSAGES/messages.po.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from portal.i18n import LOCALES, po_path
from portal.labels import load_indicators
from portal.settings import INDICATORS_FILE, REPO
from portal.vocabulary import STAFF_LANGUAGES

PORTAL = Path(__file__).resolve().parent
KEYWORDS = {"_": None, "N_": None, "gettext": None, "pgettext": ((1, "c"), 2), "ngettext": (1, 2)}
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2.ext:babel_extract")]


def template_catalog() -> Catalog:
    catalog = Catalog(project="Palīgs portal", msgid_bugs_address="", charset="utf-8")
    for filename, lineno, message, _comments, context in extract_from_dir(
        PORTAL, METHODS, keywords=KEYWORDS, options_map={"templates/**.html": {"trimmed": "true"}}
    ):
        if "i18n_extract" in filename:
            continue
        catalog.add(message, locations=[(f"portal/{filename}", lineno)], context=context)
    for staff_label in load_indicators(INDICATORS_FILE).values():
        catalog.add(staff_label, context="indicator",
                    locations=[(INDICATORS_FILE.relative_to(REPO).as_posix(), 0)])
    return catalog


def update_catalogs() -> list[tuple[Path, int]]:
    template = template_catalog()
    with (LOCALES / "messages.pot").open("wb") as handle:
        write_po(handle, template, omit_header=False, sort_output=True)
    done = []
    for language in STAFF_LANGUAGES:
        if language == "en":
            continue
        path = po_path(language)
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        catalog.update(template, no_fuzzy_matching=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, sort_output=True, ignore_obsolete=True)
        done.append((path, sum(1 for message in catalog if message.id and not message.string)))
    return done
