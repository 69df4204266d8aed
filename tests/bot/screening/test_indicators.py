"""The indicator data: valid, complete per dimension, translated in every language."""


import pytest

from bot.i18n.catalogs import Catalogs
from bot.language.registry import registry
from bot.paths import LOCALES_DIR
from bot.screening.indicators import ACKNOWLEDGEMENT_CONTEXT, QUESTION_CONTEXT, RESULT_CONTEXT, indicator_set
from bot.screening.scoring import DIMENSIONS, STRENGTHS

INDICATORS = indicator_set()


def test_ids_unique_and_fields_valid():
    for spec in INDICATORS.indicators.values():
        assert spec.dimension in DIMENSIONS, spec.id
        assert spec.strength in STRENGTHS, spec.id
        assert spec.sectors == "all" or set(spec.sectors) <= set(INDICATORS.sectors), spec.id
        assert spec.source.strip() and spec.staff_label.strip(), spec.id
        assert len(spec.question) <= 160, spec.id  # one SMS segment in Latin script


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_every_dimension_has_strong_and_medium_indicators(dimension):
    strengths = {s.strength for s in INDICATORS.indicators.values() if s.dimension == dimension}
    assert {"strong", "medium"} <= strengths


@pytest.mark.parametrize("sector", indicator_set().sectors)
def test_each_sector_asks_twelve_to_fifteen_questions(sector):
    assert 12 <= len(INDICATORS.for_sector(sector)) <= 15


@pytest.mark.parametrize("lang", registry().enabled_codes)
def test_every_question_and_result_exists_in_every_language(lang):
    catalogs = Catalogs(LOCALES_DIR)
    english = registry().source_language
    for spec in INDICATORS.indicators.values():
        texts = [(QUESTION_CONTEXT, spec.question), (RESULT_CONTEXT, spec.result)]
        if spec.acknowledgement:
            texts.append((ACKNOWLEDGEMENT_CONTEXT, spec.acknowledgement))
        for context, msgid in texts:
            text = catalogs.pgettext(lang, context, msgid)
            assert text.strip(), (lang, spec.id)
            if lang != english:
                assert text != msgid, (lang, spec.id, "untranslated")


def test_every_report_intent_answers_exactly_one_indicator():
    import yaml

    from bot.paths import REPO_DIR

    intents = yaml.safe_load((REPO_DIR / "domain.yml").read_text("utf-8"))["intents"]
    reports = sorted(i for i in intents if i.startswith("report_"))
    reported = sorted(s.reported_by for s in INDICATORS.indicators.values() if s.reported_by)
    assert reported == reports
    for spec in INDICATORS.indicators.values():
        assert bool(spec.reported_by) == bool(spec.acknowledgement), spec.id


def test_sector_buttons_are_numbered_in_the_order_of_the_sectors():
    from bot.i18n.responses import load_sources
    from bot.paths import RESPONSES_FILE

    buttons = load_sources(RESPONSES_FILE)["utter_ask_sector"].default.buttons
    assert [b.payload for b in buttons] == [str(n) for n in range(1, len(INDICATORS.sectors) + 1)]
