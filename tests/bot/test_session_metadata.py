import pytest

from bot.language.registry import registry
from bot.session_metadata import SessionEntry, clean_metadata, session_entry


@pytest.mark.parametrize(
    "metadata, expected",
    [
        ({"lang": "ru", "src": "emb-tashkent"}, SessionEntry("ru", "emb-tashkent", None)),
        ({"lang": "RU ", "src": "QR_Leaflet1", "channel": "web"}, SessionEntry("ru", "qr_leaflet1", "web")),
        ({"lang": "uz"}, SessionEntry("uz", None, None)),
        ({"lang": "de"}, SessionEntry(None, None, None)),  # named by people, not offered
        ({"lang": "xx", "src": "<script>"}, SessionEntry(None, None, None)),
        ({"lang": 5, "src": ["a"], "channel": "fax"}, SessionEntry(None, None, None)),
        ({"src": "a" * 41}, SessionEntry(None, None, None)),
        (None, SessionEntry()),
        ("lang=ru", SessionEntry()),
    ],
)
def test_session_entry(metadata, expected):
    assert session_entry(metadata, registry()) == expected


def test_unknown_metadata_is_dropped():
    assert clean_metadata({"lang": "lv", "phone": "+37120000000", "name": "A"}) == {"lang": "lv"}
