"""The campaign registry: real codes counted as themselves, anything else as "other"."""

import datetime as dt

import pytest

from bot.campaigns.registry import OTHER, campaigns, parse_campaigns
from bot.language.registry import registry

ENABLED = registry().enabled_codes


def entry(**overrides):
    item = {"code": "emb-test", "name": "n", "where": "w", "by": "b", "languages": ["uz"],
            "start": dt.date(2026, 12, 1), "end": None, "sms_keyword": "UZ9", "source": "s",
            "verified_on": dt.date(2026, 12, 1)}
    return {**item, **overrides}


@pytest.mark.parametrize(
    "src, counted",
    [
        ("emb-tashkent", "emb-tashkent"),
        ("EMB-Tashkent", "emb-tashkent"),
        (" emb-tashkent ", "emb-tashkent"),
        ("emb-tashkent-x", OTHER),
        ("call-me-at-26123456", OTHER),  # a message written into a link is never kept
        ("other", OTHER),
        ("", None),
        (None, None),
    ],
)
def test_a_src_is_counted_as_its_registered_code_or_as_other(src, counted):
    assert campaigns().tag(src) == counted


@pytest.mark.parametrize("text, code", [("UZ1", "emb-tashkent"), ("uz1", "emb-tashkent"), (" Uz1 ", "emb-tashkent"),
                                        ("VDI", "vdi-sites"), ("UZ1 please", None), ("UZ", None), ("", None)])
def test_an_sms_keyword_is_the_whole_message(text, code):
    found = campaigns().for_keyword(text)
    assert (found.code if found else None) == code


def test_every_registered_campaign_is_well_formed_and_dated():
    registered = campaigns().by_code
    assert {"emb-tashkent", "emb-delhi", "vdi-sites", "dorm-riga"} <= set(registered)
    for campaign in registered.values():
        assert campaign.languages and set(campaign.languages) <= set(ENABLED)
        assert campaign.source and campaign.verified_on <= dt.date.today()


@pytest.mark.parametrize(
    "items, problem",
    [
        ([entry(code="Bad Code")], "a-z"),
        ([entry(code="other")], "a-z"),
        ([entry(), entry()], "duplicate"),
        ([entry(languages=["de"])], "languages"),
        ([entry(languages=[])], "languages"),
        ([entry(sms_keyword="U")], "sms_keyword"),
        ([entry(), entry(code="emb-two", sms_keyword="uz9")], "share a keyword"),
        ([entry(end=dt.date(2026, 11, 1))], "ends before"),
        ([entry(start="soon")], "date"),
    ],
)
def test_a_wrong_registry_is_refused_with_the_reason(items, problem):
    with pytest.raises(ValueError, match=problem):
        parse_campaigns({"campaigns": items}, ENABLED)


def test_no_campaign_keyword_is_also_an_sms_keyword_or_a_number():
    from bot.sms.keywords import keyword_payload
    from bot.sms.render import is_number_reply

    for campaign in campaigns().by_code.values():
        if campaign.sms_keyword:
            assert keyword_payload(campaign.sms_keyword) is None, campaign.code
            assert not is_number_reply(campaign.sms_keyword), campaign.code
