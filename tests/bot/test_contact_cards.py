import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.contacts.book import contact_book
from bot.contacts.cards import contact_card, describe_hours, describe_status
from bot.i18n.catalogs import Catalogs
from bot.paths import LOCALES_DIR
from tests.support.languages import ENABLED, phrases

RIGA = ZoneInfo("Europe/Riga")
MONDAY_NOON = dt.datetime(2026, 11, 23, 12, 0, tzinfo=RIGA)
FRIDAY_EVENING = dt.datetime(2026, 11, 27, 21, 0, tzinfo=RIGA)
# Babel's names, as each language writes them.
MONDAY = phrases("monday")
MONDAY_TO_FRIDAY = phrases("monday_to_friday")


@pytest.fixture(scope="module")
def catalogs():
    return Catalogs(LOCALES_DIR)


@pytest.mark.parametrize("lang", ENABLED)
def test_marta_card_in_every_language(catalogs, lang):
    card = contact_card(contact_book()["marta"], MONDAY_NOON, catalogs.translator(lang))
    assert "+371 67378539" in card and "centrs@marta.lv" in card and "Matīsa iela 49-3" in card
    assert "18:00" in card
    assert "{" not in card


@pytest.mark.parametrize("lang", ENABLED)
def test_closed_on_friday_evening_opens_monday_in_the_persons_language(catalogs, lang):
    status = describe_status(contact_book()["marta"].hours, FRIDAY_EVENING, catalogs.translator(lang))
    assert MONDAY[lang].lower() in status.lower() and "10:00" in status


@pytest.mark.parametrize("lang", ENABLED)
def test_hours_use_babel_day_names(catalogs, lang):
    assert describe_hours(contact_book()["marta"].hours, catalogs.translator(lang)).startswith(MONDAY_TO_FRIDAY[lang])


def test_always_open_contact(catalogs):
    status = describe_status(contact_book()["emergency"].hours, FRIDAY_EVENING, catalogs.translator("en"))
    assert status == "Open now, 24 hours a day."


PROCLAMATION_DAY_NOON = dt.datetime(2026, 11, 18, 12, 0, tzinfo=RIGA)  # a Wednesday


@pytest.mark.parametrize("lang", ENABLED)
def test_an_office_is_never_called_open_on_a_public_holiday(catalogs, lang):
    t = catalogs.translator(lang)
    status = describe_status(contact_book()["marta"].hours, PROCLAMATION_DAY_NOON, t)
    assert status == t.pgettext("contacts", "Closed today, a public holiday. Opens tomorrow at {time}.", time="10:00")


def test_holiday_status_in_english(catalogs):
    t = catalogs.translator("en")
    assert describe_status(contact_book()["marta"].hours, PROCLAMATION_DAY_NOON, t) == (
        "Closed today, a public holiday. Opens tomorrow at 10:00.")
    midsummer_eve = dt.datetime(2026, 6, 22, 19, 0, tzinfo=RIGA)  # Monday evening; Tuesday and Wednesday off
    assert describe_status(contact_book()["marta"].hours, midsummer_eve, t) == "Closed now. Opens on Thursday at 10:00."
