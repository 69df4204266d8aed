"""Button titles become NLU examples of their payload's intent, in every language."""

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from bot.language.registry import registry
from bot.language.samples import NLU_DIR, nlu_examples
from bot.paths import BUILD_NLU_DIR
from bot.tooling.button_examples import examples_by_language, nlu_document, normalised


@pytest.mark.parametrize(
    "buttons, known, expected",
    [
        # a title teaches its payload's intent, once however many responses show it
        ([("lv", "Kontakti", "/ask_contacts"), ("lv", "Kontakti", "/ask_contacts")], {},
         {"lv": {"ask_contacts": ["Kontakti"]}}),
        # per language
        ([("lv", "Izvēlne", "/show_menu"), ("ru", "Меню", "/show_menu")], {},
         {"lv": {"show_menu": ["Izvēlne"]}, "ru": {"show_menu": ["Меню"]}}),
        # a plain yes in one place and a specific intent in another: the specific one
        ([("en", "Continue the questions", "/start_screening"), ("en", "Continue the questions", "/affirm")], {},
         {"en": {"start_screening": ["Continue the questions"]}}),
        # two specific intents, or yes and no: no example
        ([("en", "Go", "/show_menu"), ("en", "Go", "/start_screening")], {}, {}),
        ([("en", "OK", "/affirm"), ("en", "OK", "/deny")], {}, {}),
        # numbers, entities and placeholders are no intent to teach
        ([("en", "Either one", "3"), ("en", "English", '/change_language{"language":"en"}'),
          ("en", "Continue {in_language}", "/change_language")], {}, {}),
        # a title the examples already have (in any case and spacing) is not added again
        ([("lv", "Kontakti", "/ask_contacts")], {"lv": {"kontakti"}}, {}),
        ([("lv", "  Manas  tiesības ", "/ask_rights")], {"lv": {"manas tiesības"}}, {}),
        ([("lv", "Kontakti", "/ask_contacts")], {"ru": {"kontakti"}}, {"lv": {"ask_contacts": ["Kontakti"]}}),
    ],
)
def test_examples_by_language(buttons, known, expected):
    assert examples_by_language(buttons, known) == expected


def test_the_document_is_rasa_nlu_data(tmp_path):
    path = tmp_path / "lv.yml"
    path.write_text(nlu_document({"affirm": ["Jā: sūtīt", "- Sūtīt"], "ask_rights": ["Manas tiesības"]}), "utf-8")
    read = {(m.get("text"), m.get("intent")) for m in load_data(str(path)).intent_examples}
    assert read == {("Jā: sūtīt", "affirm"), ("- Sūtīt", "affirm"), ("Manas tiesības", "ask_rights")}
    empty = tmp_path / "en.yml"
    empty.write_text(nlu_document({}), "utf-8")
    assert load_data(str(empty)).intent_examples == []


@pytest.mark.parametrize("lang", registry().enabled_codes)
def test_the_built_examples_teach_every_language_its_buttons(lang):
    """make test builds them (python -m bot build); each language's own titles, none it already had."""
    built = load_data(str(BUILD_NLU_DIR / f"{lang}.yml")).intent_examples
    assert built, f"no button titles for {lang}"
    known = {normalised(text) for text in nlu_examples(NLU_DIR / lang)}
    assert not [m.get("text") for m in built if normalised(m.get("text")) in known]
