"""The `language` entity comes from the names in languages.yml, not from a learned model."""

import json
import re

import pytest
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.language.mentions import LanguageMentions
from bot.language.registry import registry
from bot.paths import BOT_DIR
from bot.server.language_entity import LanguageNameExtractor

ANNOTATION = re.compile(r'\[([^\]]+)\]\{"entity": "language", "value": "(\w+)"\}')


@pytest.fixture(scope="module")
def mentions():
    return LanguageMentions(registry())


@pytest.mark.parametrize(
    "text, codes, spans",
    [
        ("лучше по-русски пожалуйста", ["ru"], ["русски"]),
        ("krievu valodā lūdzu", ["ru"], ["krievu"]),
        ("KRIEVU VALODA", ["ru"], ["KRIEVU"]),
        ("parslegt uz anglu", ["en"], ["anglu"]),  # "uz" is a Latvian word, not Uzbek
        ("hindi mein baat karo", ["hi"], ["hindi"]),
        ("اردو میں بات کریں", ["ur"], ["اردو"]),
        ("o'zbek tilida yozing", ["uz"], ["o'zbek"]),
        ("ўзбекча", ["uz"], ["ўзбекча"]),
        ("Oʻzbekcha", ["uz"], ["Oʻzbekcha"]),
        ("на тоҷикӣ", ["tg"], ["тоҷикӣ"]),
        ("қазақша жазыңыз", ["kk"], ["қазақша"]),
        ("limba romana va rog", ["ro"], ["limba romana"]),
        ("english or russian", ["en", "ru"], ["english", "russian"]),
        # languages not offered are still recognised, so the person hears "not yet"
        ("можно по-немецки?", ["de"], ["немецки"]),
        ("auf Deutsch bitte", ["de"], ["Deutsch"]),
        ("bangla te bolun", ["bn"], ["bangla"]),
        ("vai varat lietuviski", ["lt"], ["lietuviski"]),
        ("the police took my passport", [], []),
        ("I work in Latvia", [], []),
        ("my boss is from England?", [], []),
        ("rust on the roof", [], []),
        ("12345", [], []),
    ],
)
def test_names_in_every_script(mentions, text, codes, spans):
    found = mentions.find(text)
    assert [m.code for m in found] == codes
    assert [m.text for m in found] == spans
    assert all(text[m.start:m.end] == m.text for m in found)


def _annotated_examples():
    for path in sorted((BOT_DIR / "data" / "nlu").glob("*/*.yml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for name, code in ANNOTATION.findall(line):
                yield pytest.param(name, code, id=f"{path.parent.name}:{name}")


@pytest.mark.parametrize("name, code", list(_annotated_examples()))
def test_every_annotated_name_in_the_training_data_is_found(mentions, name, code):
    assert [m.code for m in mentions.find(f"please {name} thanks")] == [code]


def test_every_language_has_names_and_its_native_name_is_found(mentions):
    for language in registry().all.values():
        assert language.names, language.code
        assert [m.code for m in mentions.find(language.native_name)] == [language.code]


def test_the_component_adds_entities_and_leaves_payloads_alone(mentions):
    extractor = LanguageNameExtractor(mentions)
    typed, payload = Message({TEXT: "gribu krieviski"}), Message({TEXT: '/change_language{"language":"en"}'})
    extractor.process([typed, payload])
    [entity] = typed.get(ENTITIES)
    assert (entity["entity"], entity["value"], entity["start"], entity["end"]) == ("language", "ru", 6, 15)
    assert not payload.get(ENTITIES)
    json.dumps(typed.as_dict())  # the entity serialises for the tracker
