"""Expected texts, taken from the same catalogs the assistant renders from."""

from bot.contacts.book import contact_book, response_values
from bot.i18n.catalogs import Catalogs
from bot.i18n.responses import load_sources, render
from bot.paths import LOCALES_DIR, RESPONSES_FILE

_catalogs = Catalogs(LOCALES_DIR)
_sources = load_sources(RESPONSES_FILE)


def response(name: str, lang: str, channel: str | None = None) -> dict:
    return render(_sources[name], lang, _catalogs, response_values(contact_book(), 30), channel)


def text(name: str, lang: str) -> str:
    return response(name, lang)["text"]


def button_titles(name: str, lang: str) -> list:
    return [b["title"] for b in response(name, lang).get("buttons", [])]


def phrase(lang: str, context: str, msgid: str) -> str:
    return _catalogs.pgettext(lang, context, msgid)
