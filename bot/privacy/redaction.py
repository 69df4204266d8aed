"""Replace personal data in a message by a placeholder: "[phone]", "[email]"...

People type numbers in every script's digits (\\d is Unicode here, so ۰۳۰۰ and
९८७६ count), with spaces, dots, dashes and brackets, glued to words
("тел89161234567"). So a long run of digits is personal unless its shape says
otherwise; what must survive is what the assistant talks about: ages, option
numbers, hours, dates, times, year ranges and money followed or preceded by a
currency. A long number we cannot place is taken for a phone number.

Passes run in order, each on the previous one's output: e-mail, IBAN (mod 97
checked), passport and ID-card numbers (letters then digits), messenger user
names, then runs of digits (Latvian personal code, payment card by Luhn,
phone). Placeholders hold no digit and no "@", so a later pass never sees them.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Optional

PHONE = "[phone]"
EMAIL = "[email]"
PASSPORT = "[passport]"
PERSONAL_CODE = "[personal_code]"
IBAN = "[iban]"
CARD = "[card]"
USERNAME = "[username]"
PLACEHOLDERS = (PHONE, EMAIL, PASSPORT, PERSONAL_CODE, IBAN, CARD, USERNAME)

# A run of fewer digits is an age, an option, an amount of hours or a year.
MIN_DIGITS = 7

EMAIL_PATTERN = re.compile(r"[\w.+'%-]+@[\w-]+(?:\.[\w-]+)+")
# Glued ("LV80BANK0000435195001") or in groups of four ("LV80 BANK 0000 4351 9500 1").
IBAN_PATTERN = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[A-Za-z0-9]{11,30}|(?: [A-Za-z0-9]{4}){2,7}(?: [A-Za-z0-9]{1,4})?)"
    r"(?![A-Za-z0-9])",
    re.ASCII,
)
# Document series are Latin or Cyrillic capitals (Uzbek AA1234567, Kazakh N12345678,
# Ukrainian КВ123456, Indian J1234567); lower case only when glued ("ab1234567"),
# so that "at 20001234" stays a phone number and keeps its word.
_UPPER = "A-ZА-ЯЁІЇЄҐЎҒҚҢӨҰҮҺӘӢӮҲҶ"
_LOWER = "a-zа-яёіїєґўғқңөұүһәӣӯҳҷ"
PASSPORT_PATTERN = re.compile(
    rf"(?<![{_UPPER}\d])[{_UPPER}]{{1,2}}(?:[ -]?№? ?)?\d{{6,9}}(?!\d)"
    rf"|(?<![^\W\d_])[{_LOWER}]{{2}}\d{{7}}(?!\d)"
)
USERNAME_PATTERN = re.compile(r"(?<![\w@.])@[A-Za-z][A-Za-z0-9_]{3,31}(?![\w@])")

_SEPARATORS = " \u00a0\u2009\u202f./()\\-\u2010\u2011\u2013\u2014"
# Digits with up to three separators between them: "+371 2 123 4567", "(029) 123-45-67", "8 - 029".
NUMBER_RUN = re.compile(rf"[+(]{{0,2}}\d(?:[{_SEPARATORS}]{{0,3}}\d)*")
_DASH = "-\u2010\u2011\u2013\u2014"
PERSONAL_CODE_SHAPE = re.compile(rf"\d{{6}} ?[{_DASH}] ?\d{{5}}")

DATE_DMY = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})")
DATE_YMD = re.compile(r"(\d{4})([./-])(\d{1,2})\2(\d{1,2})")
TIME = re.compile(r"(\d{1,2})[.:](\d{2})")
YEAR = re.compile(r"(?:19|20)\d\d")
AMOUNT = re.compile(r"\d{1,3}(?:[ \u00a0\u202f.]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?")
RANGE = re.compile(rf"\s*[{_DASH}]\s*")

# Whole words (codes, short names) and stems that take endings (евро, рублей, rupees).
_CURRENCY_WORDS = (
    "eur|usd|rub|uzs|som|so'm|soʻm|so’m|сўм|сум|сом|kgs|tjs|kzt|ron|lei|leu|лей|mdl|uah|грн|inr|pkr|rs|pln|zł|gbp"
)
_CURRENCY_STEMS = (
    "euro|eiro|evro|евро|dollar|доллар|долл|руб|rubl|rouble|rubļ|сомон|somoni|tenge|тенге|теңге|грив|hryvn"
    "|rupee|rupay|рупи|रुप|روپ"
)
CURRENCY_AFTER = re.compile(
    rf"\s?(?:[€$£₽₸₴₹]|(?:{_CURRENCY_WORDS})(?![^\W\d_])|(?:{_CURRENCY_STEMS}))", re.IGNORECASE
)
CURRENCY_BEFORE = re.compile(r"(?:[€$£₽₸₴₹]|(?<![^\W\d_])(?:eur|usd|rs|inr|pkr|uzs|kzt|rub|ron|lei)\.?)\s?$", re.I)


def redact(text: str) -> str:
    """`text` with every piece of personal data replaced by its placeholder."""
    if not text:
        return text
    text = EMAIL_PATTERN.sub(EMAIL, text)
    text = IBAN_PATTERN.sub(_iban, text)
    text = PASSPORT_PATTERN.sub(PASSPORT, text)
    text = USERNAME_PATTERN.sub(USERNAME, text)
    return NUMBER_RUN.sub(_number, text)


def _iban(match: re.Match) -> str:
    return IBAN if iban_valid(match.group()) else match.group()


def iban_valid(value: str) -> bool:
    """ISO 13616 check: country and check digits moved to the end, letters as 10..35, mod 97 == 1."""
    compact = value.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34 or not compact.isascii() or not compact.isalnum():
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, ch in enumerate(reversed(digits)):
        value = int(ch)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _number(match: re.Match) -> str:
    span = _ascii_digits(match.group())
    digits = "".join(ch for ch in span if ch.isdigit())
    if len(digits) < MIN_DIGITS or _harmless(span, match.string[: match.start()], match.string[match.end():]):
        return match.group()
    return _kind(span, digits)


def _ascii_digits(text: str) -> str:
    """Any script's decimal digits (Arabic-Indic, Devanagari, full width) as 0-9."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def _kind(span: str, digits: str) -> str:
    marked = span[0] in "+("  # written as a phone number
    if PERSONAL_CODE_SHAPE.fullmatch(span):
        return PERSONAL_CODE
    if not marked and 13 <= len(digits) <= 19 and luhn_valid(digits):
        return CARD
    if span == digits and len(digits) == 11 and _personal_code_digits(digits):
        return PERSONAL_CODE
    return PHONE


def _personal_code_digits(digits: str) -> bool:
    """An unhyphenated personas kods: the new form starts with 32, the old one with a
    birth date DDMMYY and a century digit 0-2."""
    if digits.startswith("32"):
        return True
    day, month = int(digits[:2]), int(digits[2:4])
    return 1 <= day <= 31 and 1 <= month <= 12 and digits[6] in "012"


def _harmless(span: str, before: str, after: str) -> bool:
    """Dates, times and their ranges, year ranges, money next to a currency."""
    if span[0] in "+(":
        return False
    if AMOUNT.fullmatch(span) and (CURRENCY_AFTER.match(after) or CURRENCY_BEFORE.search(before[-8:])):
        return True
    tokens = RANGE.sub("-", span).split()
    return all(_date_or_time(token) or _range(token) for token in tokens)


def _range(token: str) -> bool:
    ends = RANGE.split(token)
    if len(ends) != 2:
        return False
    first, last = ends
    if YEAR.fullmatch(first) and YEAR.fullmatch(last):
        return 0 < int(last) - int(first) <= 60
    return _date_or_time(first) and _date_or_time(last)


def _date_or_time(token: str) -> bool:
    return _date(token) is not None or _time(token)


def _date(token: str) -> Optional[tuple]:
    match = DATE_DMY.fullmatch(token)
    if match:
        day, month, year = int(match.group(1)), int(match.group(3)), match.group(4)
        if len(year) == 4 and not YEAR.fullmatch(year):
            return None
        return (day, month) if 1 <= day <= 31 and 1 <= month <= 12 else None
    match = DATE_YMD.fullmatch(token)
    if match and YEAR.fullmatch(match.group(1)):
        month, day = int(match.group(3)), int(match.group(4))
        return (day, month) if 1 <= day <= 31 and 1 <= month <= 12 else None
    return None


def _time(token: str) -> bool:
    match = TIME.fullmatch(token)
    return bool(match) and int(match.group(1)) <= 24 and int(match.group(2)) <= 59
