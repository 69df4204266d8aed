"""Posters made once for the campaign tests, as staff make them."""

from pathlib import Path

import pytest

from bot.__main__ import main
from tests.bot.campaigns.printing import MADE


@pytest.fixture(scope="session")
def printed(tmp_path_factory) -> Path:
    """The folder `python -m bot qr --campaign … --lang …` filled, once per pair of MADE."""
    out = tmp_path_factory.mktemp("posters")
    for campaign, lang in MADE:
        assert main(["qr", "--campaign", campaign, "--lang", lang, "--out", str(out)]) == 0, (campaign, lang)
    return out
