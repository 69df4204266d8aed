"""Language names to codes, and the language registry as shipped in languages.yml."""

import pytest
import yaml

from bot.language.names import language_code
from bot.language.registry import load_registry, registry
from bot.paths import CONTENT_DIR, REPO_DIR

LANGUAGES = registry().all.values()


@pytest.mark.parametrize(
    "value, code",
    [(language.code, language.code) for language in LANGUAGES]
    + [(language.code.upper(), language.code) for language in LANGUAGES]
    + [(language.native_name, language.code) for language in LANGUAGES],
)
def test_every_known_language_by_code_or_native_name(value, code):
    assert language_code(value, registry()) == code


@pytest.mark.parametrize(
    "value, code",
    [("Русский", "ru"), ("latviesu", "lv"), ("Oʻzbekcha", "uz"), ("de", "de"), ("VI", "vi"), ("klingon", None),
     ("", None), (None, None)],
)
def test_language_code(value, code):
    assert language_code(value, registry()) == code


def test_load_registry(tmp_path):
    path = tmp_path / "languages.yml"
    path.write_text(
        "default: lv\nsource_language: en\nlanguages:\n"
        "  - {code: lv, native_name: Latviešu, locale: lv_LV, direction: ltr, enabled: true}\n"
        "  - {code: en, native_name: English, locale: en_GB, direction: ltr, enabled: true}\n"
        "  - {code: ur, native_name: اردو, locale: ur_PK, direction: rtl, enabled: false}\n",
        encoding="utf-8",
    )
    languages = load_registry(path)
    assert (languages.default, languages.source_language) == ("lv", "en")
    assert languages.enabled_codes == ["lv", "en"]
    assert list(languages.all) == ["lv", "en", "ur"]
    assert languages.get("ur").direction == "rtl" and languages.get("ur").native_name == "اردو"
    assert languages.supported("ur") is None
    assert languages.supported(" LV ") == "lv"
    assert languages.supported(None) is None


def test_the_shipped_registry_is_consistent():
    raw = yaml.safe_load((CONTENT_DIR / "languages.yml").read_text("utf-8"))
    codes = [item["code"] for item in raw["languages"]]
    assert len(codes) == len(set(codes)), codes  # a repeated code would silently replace the first
    languages = registry()
    assert languages.enabled_codes, "languages.yml enables no language"
    assert languages.default in languages.enabled_codes
    assert languages.source_language in languages.enabled_codes
    for language in LANGUAGES:
        assert language.direction in ("ltr", "rtl"), language
        expected = language.code if language.enabled else None
        assert languages.supported(f" {language.code.upper()} ") == expected


@pytest.mark.parametrize("lang", registry().enabled_codes)
def test_an_enabled_language_has_its_catalog_training_data_and_conversation_stories(lang):
    assert (REPO_DIR / "bot" / "locales" / lang / "LC_MESSAGES" / "messages.po").is_file()
    assert sorted((REPO_DIR / "bot" / "data" / "nlu" / lang).glob("*.yml")), f"no NLU data in bot/data/nlu/{lang}/"
    assert (REPO_DIR / "tests" / "bot" / "conversations" / f"{lang}.yml").is_file()
