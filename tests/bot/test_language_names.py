import pytest

from bot.language.names import language_code
from bot.language.registry import registry


@pytest.mark.parametrize(
    "value, code",
    [("ru", "ru"), ("RU", "ru"), ("Русский", "ru"), ("latviesu", "lv"), ("English", "en"),
     ("uz", "uz"), ("Oʻzbekcha", "uz"), ("klingon", None), ("", None), (None, None)],
)
def test_language_code(value, code):
    assert language_code(value, registry()) == code


def test_registry_defaults():
    languages = registry()
    assert languages.enabled_codes == ["lv", "en", "ru"]
    assert len(languages.all) == 11
    assert languages.get("ur").direction == "rtl"
    assert languages.supported("uz") is None
    assert languages.supported(" LV ") == "lv"
