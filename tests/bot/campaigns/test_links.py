"""The link a poster prints: the public chat address with the language and the campaign."""

import pytest

from bot.campaigns.links import chat_link, printed_link


@pytest.mark.parametrize(
    "base, lang, campaign, link",
    [
        ("https://cilvektirdznieciba.lv/chat", "uz", "emb-tashkent",
         "https://cilvektirdznieciba.lv/chat?lang=uz&src=emb-tashkent"),
        ("https://cilvektirdznieciba.lv/chat/", "ur", "emb-delhi",
         "https://cilvektirdznieciba.lv/chat?lang=ur&src=emb-delhi"),
        # an address with a query of its own keeps it
        ("https://example.lv/chat?widget=1", "lv", "vdi-sites", "https://example.lv/chat?widget=1&lang=lv&src=vdi-sites"),
        # values are quoted, so nothing in them can add a parameter
        ("https://example.lv/chat", "ru", "a&lang=en", "https://example.lv/chat?lang=ru&src=a%26lang%3Den"),
        ("https://example.lv/chat", "ru", "a b/c?", "https://example.lv/chat?lang=ru&src=a+b%2Fc%3F"),
    ],
)
def test_the_chat_link_carries_language_and_campaign(base, lang, campaign, link):
    assert chat_link(base, lang, campaign) == link


@pytest.mark.parametrize(
    "url, printed",
    [
        ("https://cilvektirdznieciba.lv/chat?lang=uz&src=emb-tashkent",
         "cilvektirdznieciba.lv/chat?lang=uz&src=emb-tashkent"),
        ("http://localhost:5005/chat?lang=lv&src=x", "localhost:5005/chat?lang=lv&src=x"),
        ("HTTPS://Example.lv/chat", "Example.lv/chat"),
        ("cilvektirdznieciba.lv/chat", "cilvektirdznieciba.lv/chat"),
    ],
)
def test_the_printed_link_has_no_scheme(url, printed):
    assert printed_link(url) == printed
