"""Redaction of personal data, table-driven: what people type in each language,
with the spacing and separators they use, and what must survive untouched."""

import random
import re

import pytest

from bot.privacy.redaction import (
    CARD,
    EMAIL,
    IBAN,
    PASSPORT,
    PERSONAL_CODE,
    PHONE,
    PLACEHOLDERS,
    USERNAME,
    iban_valid,
    luhn_valid,
    redact,
)

# (language, message, expected). Synthetic numbers and addresses only.
REDACTED = [
    # Latvian
    ("lv", "mans numurs ir +371 2 123 4567", f"mans numurs ir {PHONE}"),
    ("lv", "zvaniet uz 20001234 vakarā", f"zvaniet uz {PHONE} vakarā"),
    ("lv", "tālr.+37126123456", f"tālr.{PHONE}"),
    ("lv", "mans tel. 2000 1234", f"mans tel. {PHONE}"),
    ("lv", "personas kods 123456-12345", f"personas kods {PERSONAL_CODE}"),
    ("lv", "p.k. 321234-56789, lūdzu", f"p.k. {PERSONAL_CODE}, lūdzu"),
    ("lv", "mans kods 32123456789", f"mans kods {PERSONAL_CODE}"),
    ("lv", "pases nr. LV1234567", f"pases nr. {PASSPORT}"),
    ("lv", "ID karte PA1234567 palika pie viņa", f"ID karte {PASSPORT} palika pie viņa"),
    ("lv", "konts LV80BANK0000435195001, alga nenāca", f"konts {IBAN}, alga nenāca"),
    ("lv", "raksti uz anna.berzina@inbox.lv", f"raksti uz {EMAIL}"),
    # English
    ("en", "my boss took my passport AB1234567", f"my boss took my passport {PASSPORT}"),
    ("en", "call me at 20001234", f"call me at {PHONE}"),
    ("en", "email john.doe@mail.ru please", f"email {EMAIL} please"),
    ("en", "my card 4111 1111 1111 1111 was taken", f"my card {CARD} was taken"),
    ("en", "card 5500-0000-0000-0004", f"card {CARD}"),
    ("en", "IBAN LV80 BANK 0000 4351 9500 1 is mine", f"IBAN {IBAN} is mine"),
    ("en", "UK number +44 7700 900123", f"UK number {PHONE}"),
    ("en", "find me on telegram @john_doe_77", f"find me on telegram {USERNAME}"),
    # Russian (and Belarusian-style 8-0xx dialling)
    ("ru", "мой номер 8-029-123-45-67", f"мой номер {PHONE}"),
    ("ru", "звоните (029) 123-45-67 после работы", f"звоните {PHONE} после работы"),
    ("ru", "мой номер +7 (912) 345-67-89, звоните", f"мой номер {PHONE}, звоните"),
    ("ru", "тел89161234567", f"тел{PHONE}"),
    ("ru", "паспорт АА 1234567 у начальника", f"паспорт {PASSPORT} у начальника"),
    ("ru", "паспорт 4510 123456 забрали", f"паспорт {PHONE} забрали"),  # all digits: a long number
    ("ru", "почта иван.петров@почта.рф", f"почта {EMAIL}"),
    # Ukrainian
    ("uk", "мій номер +380 67 123 4567", f"мій номер {PHONE}"),
    ("uk", "паспорт КВ123456 забрав роботодавець", f"паспорт {PASSPORT} забрав роботодавець"),
    ("uk", "пишіть на olena_k@ukr.net", f"пишіть на {EMAIL}"),
    # Uzbek (Latin and Cyrillic)
    ("uz", "mening raqamim +998 90 123 45 67", f"mening raqamim {PHONE}"),
    ("uz", "pasportim AB1234567 xo'jayinda", f"pasportim {PASSPORT} xo'jayinda"),
    ("uz", "паспортим АА1234567 хўжайинда", f"паспортим {PASSPORT} хўжайинда"),
    ("uz", "raqam 90-123-45-67", f"raqam {PHONE}"),
    ("uz", "JSHSHIR 31234567890123", f"JSHSHIR {PHONE}"),
    # Tajik
    ("tg", "рақами ман +992 93 123 4567", f"рақами ман {PHONE}"),
    ("tg", "шиноснома A12345678", f"шиноснома {PASSPORT}"),
    # Kyrgyz
    ("ky", "менин номерим 0555 123 456", f"менин номерим {PHONE}"),
    ("ky", "паспорт ID1234567 кожоюнда", f"паспорт {PASSPORT} кожоюнда"),
    # Kazakh
    ("kk", "нөмірім +7 701 123 4567", f"нөмірім {PHONE}"),
    ("kk", "төлқұжат N12345678", f"төлқұжат {PASSPORT}"),
    ("kk", "ЖСН 900101300123", f"ЖСН {PHONE}"),
    # Romanian
    ("ro", "numărul meu este +40 712 345 678", f"numărul meu este {PHONE}"),
    ("ro", "pașaportul 051234567 e la patron", f"pașaportul {PHONE} e la patron"),
    ("ro", "cont RO49 AAAA 1B31 0075 9384 0000", f"cont {IBAN}"),
    ("ro", "scrie-mi la ion.popescu@yahoo.ro", f"scrie-mi la {EMAIL}"),
    # Hindi (ASCII and Devanagari digits)
    ("hi", "मेरा नंबर +91 98765 43210 है", f"मेरा नंबर {PHONE} है"),
    ("hi", "मेरा नंबर ९८७६५४३२१० है", f"मेरा नंबर {PHONE} है"),
    ("hi", "पासपोर्ट J1234567 मालिक के पास है", f"पासपोर्ट {PASSPORT} मालिक के पास है"),
    # Urdu (Eastern Arabic-Indic digits too)
    ("ur", "میرا نمبر +92 300 1234567 ہے", f"میرا نمبر {PHONE} ہے"),
    ("ur", "میرا نمبر ۰۳۰۰۱۲۳۴۵۶۷ ہے", f"میرا نمبر {PHONE} ہے"),
    ("ur", "پاسپورٹ AB1234567 مالک کے پاس", f"پاسپورٹ {PASSPORT} مالک کے پاس"),
    # Several in one message, glued to punctuation.
    ("en", "me: +37120001234, a@b.lv; AB1234567.", f"me: {PHONE}, {EMAIL}; {PASSPORT}."),
]

# Messages the assistant must still read as typed: ages, options, money, dates,
# times, hours, year ranges, reference codes, the hotline's own short number.
KEPT = [
    ("en", "I am 16"),
    ("en", "2"),
    ("en", "I work 12 hours a day, 7 days a week"),
    ("en", "they pay 500 eur a month"),
    ("en", "09:00-17:00"),
    ("en", "my code is K7M2 9QX4"),
    ("en", "from 2019-2023 in Riga"),
    ("lv", "alga 1 200 euro mēnesī"),
    ("lv", "strādāju no 9.00-17.00"),
    ("lv", "atbraucu 12.03.2024"),
    ("lv", "no 01.03.2024-15.04.2024"),
    ("lv", "man ir 17 gadi"),
    ("lv", "1.200.000 rubļu"),
    ("ru", "мне 16 лет"),
    ("ru", "обещали 1 200 000 рублей"),
    ("ru", "работаю с 8:00 до 22:00"),
    ("ru", "приехал 2024-03-12"),
    ("uk", "платять 15 000 гривень"),
    ("uz", "oyiga 5000000 so'm"),
    ("uz", "ойига 3 000 000 сўм"),
    ("tg", "моҳона 2000 сомонӣ"),
    ("ky", "айына 30000 сом"),
    ("kk", "айына 250 000 теңге"),
    ("ro", "am 19 ani și primesc 2500 lei"),
    ("hi", "मुझे 15000 रुपये मिलते हैं"),
    ("ur", "مجھے 45000 روپے ملتے ہیں"),
    ("en", "€1 200 000"),
    ("en", "Rs. 1500000 for the visa"),
    ("en", "/affirm"),
    ("en", '/ask_rights{"rights_topic":"reflection_period"}'),
]


@pytest.mark.parametrize("lang, message, expected", REDACTED, ids=[f"{c[0]}-{i}" for i, c in enumerate(REDACTED)])
def test_personal_data_is_replaced(lang, message, expected):
    assert redact(message) == expected


@pytest.mark.parametrize("lang, message", KEPT, ids=[f"{c[0]}-{i}" for i, c in enumerate(KEPT)])
def test_what_the_assistant_needs_is_kept(lang, message):
    assert redact(message) == message


@pytest.mark.parametrize("message", [m for _, m, _ in REDACTED] + [m for _, m in KEPT] + [""])
def test_redaction_is_idempotent(message):
    assert redact(redact(message)) == redact(message)


def test_placeholders_hold_nothing_a_later_pass_would_take():
    for placeholder in PLACEHOLDERS:
        assert redact(placeholder) == placeholder and not re.search(r"[\d@]", placeholder)


@pytest.mark.parametrize(
    "value, valid",
    [("LV80BANK0000435195001", True), ("RO49AAAA1B31007593840000", True), ("GB82 WEST 1234 5698 7654 32", True),
     ("LV81BANK0000435195001", False), ("LV80", False)],
)
def test_iban_check_digits(value, valid):
    assert iban_valid(value) is valid


@pytest.mark.parametrize(
    "digits, valid", [("4111111111111111", True), ("5500000000000004", True), ("4111111111111112", False)]
)
def test_luhn(digits, valid):
    assert luhn_valid(digits) is valid


def test_an_invalid_iban_still_loses_its_digits():
    assert redact("LV81 BANK 0000 4351 9500 1") == f"LV81 BANK {PHONE}"


# Many phone numbers in the shapes people type, inside sentences of every language:
# none of the number's digits survive, and the placeholder is there.
SHAPES = [
    "+{cc} {a} {b} {c}", "+{cc}{a}{b}{c}", "00{cc} {a}{b}{c}", "+{cc} ({a}) {b}-{c}", "8-0{a}-{b}-{c}",
    "({a}) {b}-{c}", "{a}-{b}-{c}", "{a} {b} {c}", "{b}-{c}", "+{cc}-{a}-{b}-{c}", "+{cc}.{a}.{b}.{c}", "{a}{b}{c}",
]
SENTENCES = [
    "mans numurs {}", "my number is {} call after 6", "мой номер {}, звоните", "мій номер {} ввечері",
    "raqamim {} ga qo'ng'iroq qiling", "рақами ман {}", "менин номерим {}", "нөмірім {}", "numărul meu {}",
    "मेरा नंबर {} है", "میرا نمبر {} ہے", "тел{}", "номер:{}!",
]


def test_phone_numbers_in_any_shape_and_language():
    rng = random.Random(2026)
    for _ in range(400):
        cc = rng.choice(["371", "7", "998", "992", "996", "380", "40", "91", "92", "44"])
        a, b, c = (str(rng.randint(10 ** (n - 1), 10**n - 1)) for n in (rng.choice([2, 3]), 3, 4))
        number = rng.choice(SHAPES).format(cc=cc, a=a, b=b, c=c)
        message = rng.choice(SENTENCES).format(number)
        result = redact(message)
        assert PHONE in result or CARD in result or PERSONAL_CODE in result, (message, result)
        assert not re.search(r"\d{3}", result), (message, result)
