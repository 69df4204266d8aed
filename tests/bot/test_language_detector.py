"""The NLU component that adds the language a message is clearly written in to the parse data."""

from dataclasses import asdict

import pytest
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.language.identify import Thresholds
from bot.server.language_detector import DETECTED_LANGUAGE, LanguageDetector


def detector(**config):
    return LanguageDetector.create({**LanguageDetector.get_default_config(), **config}, None, None, None)


@pytest.fixture(scope="module")
def component():
    return detector()


@pytest.mark.parametrize(
    "text, detected",
    [
        ("у меня забрали паспорт и не платят уже три месяца", "ru"),
        ("darba devejs panema manu pasi un nemaksa algu", "lv"),
        ("my employer took my passport and does not pay me", "en"),
        ("да", None),
        ("/change_language{\"language\":\"ru\"}", None),
        ('/inform{"text": "у меня забрали паспорт и не платят уже три месяца"}', None),
    ],
)
def test_the_detected_language_is_in_the_parse_data(component, text, detected):
    [message] = component.process([Message({TEXT: text})])
    assert message.get(DETECTED_LANGUAGE) == detected
    # In the parse data Rasa keeps (None values are left out of it).
    assert message.as_dict(only_output_properties=True).get(DETECTED_LANGUAGE) == detected


def test_the_defaults_are_the_identifier_s_and_config_yml_can_change_them():
    assert LanguageDetector.get_default_config() == asdict(Thresholds())
    [message] = detector(min_words=2, min_letters=5).process([Message({TEXT: "нет, спасибо"})])
    assert message.get(DETECTED_LANGUAGE) == "ru"


def test_recent_detections_keep_hashes_only_and_forget_the_oldest():
    from bot.server.language_detector import RecentDetections

    recent = RecentDetections(size=2)
    recent.note("меня не отпускают домой уже месяц")
    recent.note("second text long enough")
    assert "меня не отпускают домой уже месяц" in recent and "never noted" not in recent and None not in recent
    recent.note("third one")
    assert "меня не отпускают домой уже месяц" not in recent and "third one" in recent
    assert all(isinstance(key, bytes) and len(key) == 32 for key in recent._hashes)
