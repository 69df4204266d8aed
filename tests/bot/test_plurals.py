"""Counted words follow each language's plural rules (catalog Plural-Forms, from Babel's CLDR data)."""

import pytest
from babel import Locale
from babel.core import UnknownLocaleError
from babel.messages.plurals import get_plural

from bot.i18n.catalogs import Catalogs
from bot.i18n.responses import counted_values
from bot.language.registry import registry
from bot.paths import LOCALES_DIR
from bot.tooling.catalog_check import read_catalog


@pytest.fixture(scope="module")
def catalogs():
    return Catalogs(LOCALES_DIR)


@pytest.mark.parametrize(
    "lang, days, period",
    [
        ("en", 1, "1 day"),
        ("en", 30, "30 days"),
        ("lv", 1, "1 dienu"),  # numbers ending in 1 (not 11) take the singular
        ("lv", 21, "21 dienu"),
        ("lv", 11, "11 dienas"),
        ("lv", 30, "30 dienas"),
        ("ru", 1, "1 день"),
        ("ru", 3, "3 дня"),
        ("ru", 5, "5 дней"),
        ("ru", 22, "22 дня"),
        ("ru", 30, "30 дней"),
    ],
)
def test_retention_period_is_counted_as_the_language_counts(catalogs, lang, days, period):
    values = counted_values({"retention_days": str(days)}, catalogs.translator(lang))
    assert values["retention_period"] == period


@pytest.mark.parametrize("lang", [language.code for language in registry().all.values()])
def test_babel_knows_every_listed_locale(lang):
    """Dates, times and plural rules come from Babel; a locale it lacked would need an explicit fallback."""
    try:
        locale = Locale.parse(registry().get(lang).locale)
    except UnknownLocaleError as missing:  # pragma: no cover - fails the test with the reason
        pytest.fail(f"Babel has no locale {missing}: give {lang} a locale Babel has in languages.yml")
    assert locale.days["format"]["wide"][0] and locale.plural_form is not None


@pytest.mark.parametrize("lang", registry().enabled_codes)
def test_catalog_plural_forms_match_babel(lang):
    catalog = read_catalog(LOCALES_DIR / lang / "LC_MESSAGES" / "messages.po")
    """The header `pybabel init` wrote: a hand-edited Plural-Forms would pick the wrong forms."""
    assert catalog.num_plurals == get_plural(registry().get(lang).locale).num_plurals
