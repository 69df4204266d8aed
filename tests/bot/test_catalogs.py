"""Every word a person reads exists in every enabled language."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.i18n.catalogs import Catalogs
from bot.i18n.responses import domain_responses, load_sources
from bot.language.registry import registry
from bot.paths import LOCALES_DIR, REPO_DIR, RESPONSES_FILE
from bot.tooling.catalog_check import catalog_problems, check_catalogs


def _ids(catalog):
    return {(m.context, m.id) for m in catalog if m.id}


def test_template_is_up_to_date_with_the_code(tmp_path):
    """A new string in responses.yml, contacts.yml or the code must be extracted."""
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "-q", "extract", "-F", "bot/babel.cfg",
         "-o", str(fresh), "--ignore-dirs", "node_modules", "bot"],
        cwd=REPO_DIR, check=True, env={**os.environ, "PYTHONPATH": str(REPO_DIR)},
    )
    committed = read_po((LOCALES_DIR / "messages.pot").open("rb"))
    assert _ids(read_po(fresh.open("rb"))) == _ids(committed), "run `make i18n-update`"


def test_all_enabled_languages_are_complete():
    problems = check_catalogs(LOCALES_DIR, registry().enabled_codes)
    assert not problems, "\n".join(map(str, problems))


@pytest.mark.parametrize("lang", [c for c in registry().enabled_codes if c != registry().source_language])
def test_drafted_translations_say_they_need_native_review(lang):
    text = (LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po").read_text("utf-8")
    header = " ".join(re.sub(r'[#"]|\\n', " ", text.split("msgctxt", 1)[0]).split())
    assert "needs review by a native speaker" in header
    assert "needs native review" in header  # Last-Translator


def _catalog(entries, lang="xx"):
    catalog = Catalog(locale=None)
    for context, msgid, string, flags in entries:
        catalog.add(msgid, string, context=context, flags=flags)
    return catalog


@pytest.mark.parametrize(
    "translated, issue",
    [
        ([], "missing translation"),
        ([("utter_x", "Call {hotline}.", "", ())], "missing translation"),
        ([("utter_x", "Call {hotline}.", "Zvaniet {hotline}.", ("fuzzy",))], "fuzzy"),
        ([("utter_x", "Call {hotline}.", "Zvaniet 112.", ())], "placeholders differ"),
        ([("utter_x", "Call {hotline}.", "Zvaniet {hotlin}.", ())], "placeholders differ"),
        ([("other", "Call {hotline}.", "Zvaniet {hotline}.", ())], "missing translation"),
    ],
)
def test_catalog_problems_are_found(translated, issue):
    template = _catalog([("utter_x", "Call {hotline}.", "", ())])
    problems = catalog_problems(template, _catalog(translated), "xx")
    assert [p.issue.split(":")[0] for p in problems] == [issue]


def test_a_complete_catalog_has_no_problems():
    template = _catalog([("utter_x", "Call {hotline}.", "", ())])
    good = _catalog([("utter_x", "Call {hotline}.", "Zvaniet {hotline}.", ())])
    assert catalog_problems(template, good, "xx") == []


def test_built_domain_has_every_response_in_every_language_with_its_condition():
    languages = registry().enabled_codes
    values = {"hotline": "+371 1", "emergency": "112", "child_helpline": "116111", "retention_days": "30"}
    values.update({k: "x" for k in ("marta", "drosa_maja", "police", "labour_inspectorate")})
    responses = domain_responses(load_sources(RESPONSES_FILE), languages, Catalogs(LOCALES_DIR), values)
    assert "utter_menu" in responses and "utter_greet" not in responses  # action-only stays out
    for name, variations in responses.items():
        for lang in languages:
            mine = [v for v in variations if v["condition"][0]["value"] == lang]
            assert any("channel" not in v for v in mine), (name, lang)
        for variation in variations:
            language = variation["condition"][0]["value"]
            assert variation["condition"] == [{"type": "slot", "name": "language", "value": language}]
            assert "{" not in variation["text"], (name, variation["text"])
            assert variation["text"].strip()


def test_sms_variations_carry_the_language_condition():
    sources = load_sources(RESPONSES_FILE)
    assert "sms" in sources["utter_privacy"].channels
    responses = domain_responses(sources, ["lv", "ru"], Catalogs(LOCALES_DIR), {"retention_days": "30", "hotline": "1"})
    sms = [v for v in responses["utter_privacy"] if v.get("channel") == "sms"]
    assert {v["condition"][0]["value"] for v in sms} == {"lv", "ru"}


def test_translations_differ_from_english():
    """A catalog filled with English would pass the completeness check; this one would not."""
    sources = load_sources(RESPONSES_FILE)
    catalogs = Catalogs(LOCALES_DIR)
    for lang in [c for c in registry().enabled_codes if c != registry().source_language]:
        for name in ("utter_menu", "utter_emergency", "utter_privacy", "utter_greet"):
            msgid = sources[name].default.text
            assert catalogs.pgettext(lang, name, msgid) != msgid, (lang, name)


def test_language_slot_default_matches_the_registry():
    domain = yaml.safe_load((REPO_DIR / "domain.yml").read_text("utf-8"))
    assert domain["slots"]["language"]["initial_value"] == registry().default
