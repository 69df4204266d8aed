"""Accents are put back only where the language is clear and the person typed none."""

import pytest

from bot.language.accents import AccentRestorer, Spellings, strip_accents
from bot.language.registry import registry
from bot.language.samples import catalog_samples

# Small stand-ins for catalogs: Latvian and Romanian with accents, English without,
# Russian in Cyrillic (which holds no Latin words at all).
TEXTS = {
    "lv": ["Manas tiesības Latvijā", "Braukt mājās", "Vairāk informācijas, lūdzu", "Par šo būs runa", "Es gribu mājās"],
    "ro": ["Drepturile mele", "Nu mai vreau întrebări", "Vreau să mă întorc acasă", "Răspuns greșit"],
    "en": ["My rights", "A bus ticket home", "Thanks so much", "I want to go home"],
    "ru": ["Мои права", "Мой паспорт"],
}


@pytest.fixture(scope="module")
def restorer():
    return AccentRestorer.from_texts(TEXTS)


@pytest.mark.parametrize(
    "typed, expected",
    [
        # Latvian typed without accents gets the catalog's spelling
        ("manas tiesibas", "manas tiesības"),
        ("braukt majas", "braukt mājās"),
        ("vairak informacijas ludzu", "vairāk informācijas lūdzu"),
        # the first letter keeps its case; punctuation and unknown words stay as typed
        ("Vairak, ludzu!", "Vairāk, lūdzu!"),
        ("majas 12 eiro", "mājās 12 eiro"),
        # Romanian too
        ("nu mai vreau intrebari", "nu mai vreau întrebări"),
        # English words that are Latvian without accents ("bus" = "būs", "so" = "šo") stay English
        ("a bus ticket home", "a bus ticket home"),
        ("thanks so much", "thanks so much"),
        # one accent typed: the person writes with accents, the rest is meant as typed
        ("manas tiesības majas", "manas tiesības majas"),
        # an emoji or a curly quote is not a letter and does not stop it
        ("manas tiesibas 🙏", "manas tiesības 🙏"),
        # Cyrillic is never touched ("мои" is not "мой" without its mark)
        ("мои права", "мои права"),
        # words no catalog knows: not clear which language, nothing changes
        ("zxqv wbrt plmk", "zxqv wbrt plmk"),
        ("", ""),
        ("112", "112"),
        # fewer than half the words known: not clear enough
        ("majas kuku ruku zuzu", "majas kuku ruku zuzu"),
    ],
)
def test_restore(restorer, typed, expected):
    assert restorer.restore(typed) == expected


def test_a_tie_between_two_languages_changes_nothing():
    restorer = AccentRestorer.from_texts({"lv": ["mājās"], "xx": ["majas"]})
    assert restorer.language_of("majas") is None
    assert restorer.restore("majas") == "majas"


@pytest.mark.parametrize(
    "texts, accented",
    [
        # the spelling used most wins, whatever the order it was seen in
        (["māja", "maja", "māja"], {"maja": "māja"}),
        (["maja", "māja", "maja"], {}),
        # equal counts: decided the same way every time
        (["mája", "māja"], {"maja": "mája"}),
        (["māja", "mája"], {"maja": "mája"}),
        # letters that are not Latin are left out
        (["мой", "мои"], {}),
    ],
)
def test_spellings(texts, accented):
    assert dict(Spellings.from_texts(texts).accented) == accented


@pytest.mark.parametrize(
    "word, plain", [("tiesības", "tiesibas"), ("să", "sa"), ("întrebări", "intrebari"), ("ő", "o")]
)
def test_strip_accents(word, plain):
    assert strip_accents(word) == plain


def test_the_real_catalogs_restore_latvian_and_romanian_and_leave_english_alone():
    restorer = AccentRestorer.from_texts(catalog_samples(registry().enabled_codes))
    assert restorer.restore("manas tiesibas") == "manas tiesības"
    assert restorer.restore("nu mai vreau intrebari") == "nu mai vreau întrebări"
    for english in ("can you help buy a bus ticket home", "thanks so much", "delete my data"):
        assert restorer.restore(english) == english


def test_the_fingerprint_follows_the_spellings():
    same = AccentRestorer.from_texts({"lv": ["mājās", "tiesības"]}).fingerprint()
    assert AccentRestorer.from_texts({"lv": ["tiesības", "mājās"]}).fingerprint() == same
    assert AccentRestorer.from_texts({"lv": ["mājas", "tiesības"]}).fingerprint() != same
    assert AccentRestorer.from_texts({"ro": ["mājās", "tiesības"]}).fingerprint() != same
