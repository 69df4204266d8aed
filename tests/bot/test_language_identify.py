"""The language identifier (bot/language/identify.py) with the profiles the Rasa server
builds: from the project's NLU examples and catalogs of the enabled languages."""

import pytest

from bot.language.identify import LanguageIdentifier, Thresholds, build_profiles, words
from bot.language.registry import registry
from bot.language.samples import project_samples


@pytest.fixture(scope="module")
def identifier():
    return LanguageIdentifier.from_samples(project_samples(registry().enabled_codes))


@pytest.mark.parametrize(
    "text, language",
    [
        ("у меня забрали паспорт и не платят уже третий месяц", "ru"),
        ("Работодатель не отдаёт мне документы и говорит, что я должна ему деньги", "ru"),
        ("МНЕ НЕ ПЛАТЯТ ЗАРПЛАТУ УЖЕ ДВА МЕСЯЦА", "ru"),
        ("Меня зовут Анна Петрова, я из Даугавпилса, работаю у Ивана Сидорова", "ru"),  # names set aside
        ("мой номер 29123456, звоните после 18:00 пожалуйста", "ru"),  # a number in a sentence
        # Russian typed in Latin letters, as people do without a Cyrillic keyboard.
        ("kakie u menya prava esli ya rabotayu bez dogovora", "ru"),
        ("PASPORT ZABRALI I NE OTDAYUT", "ru"),
        # The eight languages added on 2026-11-30, each in its own script.
        ("Мене не відпускають додому і забрали паспорт, допоможіть будь ласка", "uk"),
        ("Angajatorul mi-a luat pașaportul și nu mă plătește de trei luni", "ro"),
        ("ish beruvchi pasportimni olib qoydi", "uz"),
        ("Иш берувчи паспортимни олиб қўйди ва маош бермаяпти", "uz"),
        ("Корфармо шиносномаи маро гирифт ва музд намедиҳад", "tg"),
        ("Иш берүүчү паспортумду алып алды, айлык бербей жатат", "ky"),
        ("Жұмыс беруші төлқұжатымды алып қойды, жалақы төлемейді", "kk"),
        ("मालिक ने मेरा पासपोर्ट ले लिया और तनख्वाह नहीं देता", "hi"),
        ("مالک نے میرا پاسپورٹ لے لیا ہے اور تنخواہ نہیں دیتا", "ur"),
        ("darba devējs paņēma manu pasi un nemaksā algu", "lv"),
        ("darba devejs panema manu pasi un nemaksa algu", "lv"),  # no diacritics
        ("kadas ir manas tiesibas ja stradaju bez liguma", "lv"),
        ("Ivan Petrov un Maria Petrova strādā pie manis", "lv"),
        ("my employer took my passport and does not pay me", "en"),
        ("I am from Uzbekistan and I work in Riga on a construction site", "en"),
        ("Hello I need help please", "en"),
    ],
)
def test_a_long_enough_message_in_an_enabled_language(identifier, text, language):
    assert identifier.identify(text) == language


FOREIGN_LETTERS = "letters the best language does not use"


@pytest.mark.parametrize(
    "text, reason",
    [
        ("да", "too short"),
        ("нет, спасибо", "too short"),
        ("paldies", "too short"),
        ("ok thanks a lot", "too short"),
        ("šefs paņēma manu pasi", "too short"),  # four words, too few letters
        ("/start_screening", "too short"),
        ("", "too short"),
        ("+371 26123456, 29876543", "mostly numbers"),
        ("1234 5678 9012 3456 abc def", "mostly numbers"),
        ("Anna Petrova, Rīga, Latvija", "mostly names"),
        ("Ivan Petrov, Maria Petrova, Anna Ivanova, Olga Sidorova", "mostly names"),
        # Two languages in one message.
        ("Hello, меня зовут Anna, I need help с работой пожалуйста", "mixed scripts"),
        ("please help me, es nezinu ko darīt tagad", "no clear winner"),
        # Languages that have no profile yet are not taken for one that has.
        ("Pracodawca zabrał mi paszport i nie płaci mi pensji", FOREIGN_LETTERS),
        # Half of its trigrams are unknown to every profile.
        ("Wir wohnen zu zehnt in einem Zimmer und dürfen nicht nach draußen gehen", "fits no profile"),
        # Romanized Russian and Ukrainian share most words; romanized Hindi and Urdu are one
        # spoken language: neither is taken for the other.
        ("menya ne otpuskayut domoi i zabrali pasport", "no clear winner"),
        ("mujhe madad chahiye mera passport le liya", "no clear winner"),
    ],
)
def test_not_sure_is_none_with_its_reason(identifier, text, reason):
    reading = identifier.read(text)
    assert (reading.language, reading.reason) == (None, reason)


@pytest.mark.parametrize("text", [
    "Ich arbeite hier seit drei Monaten ohne Lohn und sie haben meinen Pass",
    "Mein Chef hat meinen Reisepass genommen und zahlt mir seit Wochen kein Geld",
    "Il mio datore di lavoro mi ha preso il passaporto e non mi paga",
    "Mi jefe me quitó el pasaporte y no me paga desde hace meses",
])
def test_a_language_without_a_profile_is_not_taken_for_one_that_has(identifier, text):
    # Which guard stops it depends on how near the nearest profile happens to be: German sits at about
    # a third of its trigrams unseen, at the edge of "fits no profile"; Italian is near Romanian. Either
    # way the message gets no language, so the conversation keeps its own.
    reading = identifier.read(text)
    assert reading.language is None and reading.reason in {"fits no profile", "no clear winner"}, reading


def test_profiles_come_from_the_enabled_languages_data(identifier):
    assert identifier.languages == sorted(registry().enabled_codes)
    # The Russian examples include transliterations: Russian has a Latin profile too.
    assert {("ru", "CYRILLIC"), ("ru", "LATIN"), ("lv", "LATIN"), ("en", "LATIN")} <= set(identifier.profiled)


def test_the_thresholds_are_settings():
    identifier = LanguageIdentifier.from_samples(
        project_samples(["lv", "ru"]), Thresholds(min_words=2, min_letters=8)
    )
    assert identifier.identify("нет, спасибо") == "ru"
    assert identifier.identify("да") is None


HINDI = [
    "मेरा पासपोर्ट मालिक ने ले लिया है",
    "मुझे तीन महीने से वेतन नहीं मिला",
    "मैं घर जाना चाहता हूँ लेकिन वे मुझे जाने नहीं देते",
    "मुझे मदद चाहिए, मेरे अधिकार क्या हैं",
] * 10


def test_a_script_only_one_profiled_language_writes_in_needs_only_the_fit():
    identifier = LanguageIdentifier.from_samples({"hi": HINDI, "en": ["they took my passport"] * 40})
    assert identifier.identify("मालिक ने मेरा पासपोर्ट ले लिया है, वेतन नहीं देता") == "hi"
    # Urdu is written in Arabic script: nobody profiled here writes in it.
    urdu = identifier.read("میرا پاسپورٹ مالک نے لے لیا اور تنخواہ نہیں دیتا")
    assert (urdu.language, urdu.reason) == (None, "no language profiled in this script")


def test_a_profile_needs_enough_text():
    assert build_profiles({"hi": HINDI[:1], "en": ["they took my passport"] * 40}) == build_profiles(
        {"en": ["they took my passport"] * 40}
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("O'zbekcha gapiring", [("O'zbekcha", "LATIN", True), ("gapiring", "LATIN", False)]),
        ("Es esmu Anna. Es dzīvoju Rīgā", [
            ("Es", "LATIN", True), ("esmu", "LATIN", False), ("Anna", "LATIN", False),
            ("Es", "LATIN", True), ("dzīvoju", "LATIN", False), ("Rīgā", "LATIN", False),
        ]),
        ("हिन्दी में", [("हिन्दी", "DEVANAGARI", True), ("में", "DEVANAGARI", False)]),
        ("12 eur/h", [("eur", "LATIN", True), ("h", "LATIN", False)]),
    ],
)
def test_words_scripts_and_sentence_starts(text, expected):
    assert [(w.text, w.script, w.starts_sentence) for w in words(text)] == expected


def test_a_capitalised_word_inside_a_sentence_is_a_name():
    found = {w.text: w.is_name for w in words("Es esmu Anna, I live in RIGA. Paldies")}
    assert found == {"Es": False, "esmu": False, "Anna": True, "I": False, "live": False, "in": False,
                     "RIGA": False, "Paldies": False}
