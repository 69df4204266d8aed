"""SMS keywords: a whole message that is a command, in any of our languages.

Matching ignores case, Latin and Cyrillic diacritics, apostrophes and
surrounding punctuation, so "Dzēst", "DZEST" and "dzest!" are the same word;
only the whole message counts ("please delete" is left to the NLU).
"""

from __future__ import annotations

import json
from typing import Dict, Iterable, Optional

from bot.forms.text import matchable, without_apostrophes

# Twilio answers these itself (opt-out and its confirmation), and after an
# opt-out it will not deliver our reply anyway: we stay silent.
DO_NOT_ANSWER = "<do not answer>"

MENU = "/show_menu"
DELETE = "/delete_data"
GREET = "/greet"


def change_language(code: str) -> str:
    return "/change_language" + json.dumps({"language": code}, separators=(",", ":"))


# The keyword table. Each row: the payload, then the words that mean it, in
# native script and in the Latin spelling people type on phones without the
# right keyboard. Add a word to a row; `normalise` makes case and diacritic
# variants unnecessary.
#
# Left out on purpose: "HI" for Hindi and "YES" for opt-in, because people
# send "hi" as a greeting and "yes" as an answer; they go to the NLU instead.
KEYWORDS: Dict[str, Iterable[str]] = {
    MENU: (
        "0", "menu", "меню", "izvēlne",
        "help", "palīgs", "palidziba", "palīdzi",
        "помощь", "помогите", "pomoshch", "pomosh", "pomogite",
        "допомога", "dopomoha", "dopomoga",
        "yordam", "ёрдам", "yordam bering",
        "кӯмак", "kumak",
        "жардам", "jardam",
        "көмек", "komek",
        "ajutor",
        "मदद", "सहायता", "madad", "sahayata",
        "مدد",
        "मेन्यू", "मेनू",  # hi
        "мәзір", "mazir", "көмектесіңіз", "komektesiniz", "анықтама",  # kk
        "menyu", "zhardam", "башкы меню", "bashky menyu",  # ky
        "meniu", "meniul",  # ro
        "ёрӣ", "yori", "ёрӣ диҳед", "yori dihed", "кумак кунед", "kumak kuned",  # tg
        "допоможіть", "dopomozhit", "dopomozhyt",  # uk
        "مینو", "مينو", "مدد چاہیے", "madad chahiye",  # ur
        "ёрдам беринг", "bosh menyu", "бош меню",  # uz
    ),
    DELETE: (
        "delete", "dzēst", "dzēst visu",
        "удалить", "udalit",
        "видалити", "vydalyty", "vidaliti",
        "o'chirish", "ochirish", "ўчириш",
        "нест кардан", "nest kardan",
        "өчүрүү", "ochuruu",
        "өшіру", "oshiru",
        "șterge", "sterge",
        "हटाएं", "हटाओ", "hatao", "hataen",
        "مٹائیں", "mitaen",
        "मिटाएँ", "मिटाएं", "मिटाओ", "मिटा दो", "हटाएँ", "डिलीट", "mitao", "mita do", "hatayen",  # hi
        "өшір", "oshir", "жою", "zhoiu", "joiu", "өшіріңіз", "oshiriniz",  # kk
        "өчүр", "ochur", "баарын өчүр", "baaryn ochur", "өчүрүңүз", "ochurunuz",  # ky
        "stergeti", "sterge tot", "stergere", "sterge datele",  # ro
        "нест кунед", "nest kuned", "пок кунед", "pok kuned",  # tg
        "видаліть", "vydalit", "vidalit", "стерти", "sterty", "видалити все", "vydalyty vse",  # uk
        "مٹا دیں", "مٹاؤ", "مٹا دو", "ڈیلیٹ", "ڈیلیٹ کریں", "mita dein", "delete karo",  # ur
        "oʻchir", "ўчир", "oʻchiring", "ўчиринг",  # uz
    ),
    DO_NOT_ANSWER: (
        # Twilio's default opt-out keywords (STOP family), plus the CTIA additions.
        "stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout",
    ),
    GREET: ("start", "unstop"),
    # Language codes, and each language's own name.
    change_language("lv"): ("lv", "latviešu", "latviski"),
    change_language("en"): ("en", "english"),
    change_language("ru"): ("ru", "русский", "russkiy", "russkij", "po-russki", "по-русски"),
    change_language("uk"): (
        "uk", "ua", "українська", "ukrainska", "українською", "ukrainskoyu", "ukrainskoju", "ukrayinska",
        "ukrajinska", "по-українськи", "укр",
    ),
    change_language("uz"): ("uz", "o'zbekcha", "o'zbek", "ўзбекча", "uzbek", "ўзбек"),
    change_language("tg"): ("tg", "тоҷикӣ", "tojiki", "тоджики", "tojik", "tajik", "тоҷик"),
    change_language("ky"): ("ky", "кыргызча", "kyrgyzcha", "кыргыз", "kyrgyz", "kirgizcha", "кыргыз тили"),
    change_language("kk"): ("kk", "қазақша", "qazaqsha", "kazakhsha", "kazaksha", "қазақ тілі"),
    change_language("ro"): ("ro", "română", "romaneste", "românește", "limba romana", "moldoveneste"),
    change_language("hi"): ("hindi", "हिन्दी", "हिंदी"),
    change_language("ur"): ("ur", "urdu", "اردو", "اُردو", "urdoo"),
}

EDGE_PUNCTUATION = " \t\r\n.,!?;:\"()[]{}-\u00a1\u00bf\u061f\u060c\u06d4\u0964"


def normalise(text: str) -> str:
    """Case-folded, without Latin/Cyrillic diacritics, apostrophes or edge punctuation.

    Only the generic combining diacritics (U+0300-U+036F) are dropped: in
    Devanagari or Arabic the marks are part of the letters.
    """
    plain = without_apostrophes(matchable(text))
    return " ".join(plain.strip(EDGE_PUNCTUATION).split())


def _index(table: Dict[str, Iterable[str]]) -> Dict[str, str]:
    index: Dict[str, str] = {}
    for payload, words in table.items():
        for word in words:
            key = normalise(word)
            if index.get(key, payload) != payload:
                raise ValueError(f"keyword {word!r} means two things")
            index[key] = payload
    return index


_INDEX = _index(KEYWORDS)


def language_keyword(code: str) -> Optional[str]:
    """The word to send on SMS to switch to a language (its row's first word, in capitals)."""
    words = KEYWORDS.get(change_language(code))
    return next(iter(words)).upper() if words else None


def keyword_payload(text: str) -> Optional[str]:
    """The payload a keyword message stands for, DO_NOT_ANSWER, or None."""
    key = normalise(text or "")
    return _INDEX.get(key) if key else None
