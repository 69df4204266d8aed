"""How a text travels as SMS: its encoding, its segments, and shortening it.

A text that fits the GSM-7 alphabet costs one septet per character (two for
the extension table) and 160 of them fit one SMS; anything else goes as UCS-2,
counted in UTF-16 code units, 70 to an SMS. A longer text is sent as a
concatenated message whose parts carry a header, leaving 153 / 67 each.

We split at whitespace so that no part ends inside a word, and never inside a
"grapheme-ish" cluster (a base with its combining marks, a Devanagari conjunct,
a surrogate pair, an emoji sequence), which a phone would render broken.
"""

from __future__ import annotations

import unicodedata
from typing import List

GSM7 = "gsm7"
UCS2 = "ucs2"

# GSM 03.38 basic character set (without ESC, which only introduces the extension table).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each character is sent as ESC + code, so it costs two septets.
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

SINGLE = {GSM7: 160, UCS2: 70}
CONCATENATED = {GSM7: 153, UCS2: 67}

ZWJ, ZWNJ = "\u200d", "\u200c"
VIRAMA_CLASS = 9  # canonical combining class of viramas (Devanagari ्, and others)

# Typographic characters that have a plain GSM-7 twin. Swapping them only pays
# off when it makes the whole text GSM-7 (160 instead of 70 per SMS).
GSM7_SUBSTITUTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u02bb": "'", "\u02bc": "'",
        "`": "'", "\u00b4": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
        "\u2026": "...",
        "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ",
        "\u2022": "-",
    }
)


def encoding_of(text: str) -> str:
    return GSM7 if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text) else UCS2


def _char_cost(ch: str, encoding: str) -> int:
    if encoding == GSM7:
        return 2 if ch in GSM7_EXTENSION else 1
    return 2 if ord(ch) > 0xFFFF else 1  # outside the BMP: a surrogate pair


def cost(text: str, encoding: str = "") -> int:
    """Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes."""
    encoding = encoding or encoding_of(text)
    return sum(_char_cost(ch, encoding) for ch in text)


def _is_mark(ch: str) -> bool:
    return bool(unicodedata.combining(ch)) or unicodedata.category(ch) in ("Mn", "Mc", "Me")


def _is_regional_indicator(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def _joins(cluster: str, ch: str) -> bool:
    """Whether `ch` belongs to the cluster before it rather than starting a new one."""
    last = cluster[-1]
    if _is_mark(ch) or ch in (ZWJ, ZWNJ):
        return True
    if 0x1F3FB <= ord(ch) <= 0x1F3FF or 0xE0020 <= ord(ch) <= 0xE007F:
        return True  # emoji skin tone modifiers and tag characters (subdivision flags)
    if ch.isspace():
        return last == "\r" and ch == "\n"
    if last == ZWJ or unicodedata.combining(last) == VIRAMA_CLASS:
        return True  # emoji ZWJ sequences; a virama binds the next consonant (conjunct)
    # Two regional indicators make one flag.
    return _is_regional_indicator(ch) and len(cluster) == 1 and _is_regional_indicator(last)


def clusters(text: str) -> List[str]:
    """The text cut into the smallest pieces that may be separated."""
    pieces: List[str] = []
    for ch in text:
        if pieces and _joins(pieces[-1], ch):
            pieces[-1] += ch
        else:
            pieces.append(ch)
    return pieces


def _tokens(text: str) -> List[List[str]]:
    """Runs of clusters that are all whitespace or all not."""
    tokens: List[List[str]] = []
    for piece in clusters(text):
        if tokens and tokens[-1][0].isspace() == piece.isspace():
            tokens[-1].append(piece)
        else:
            tokens.append([piece])
    return tokens


def segments(text: str) -> List[str]:
    """The parts the text is sent in; joined together they give the text back."""
    if not text:
        return []
    encoding = encoding_of(text)
    if cost(text, encoding) <= SINGLE[encoding]:
        return [text]
    room = CONCATENATED[encoding]
    parts: List[str] = []
    current, used = "", 0
    for token in _tokens(text):
        token_cost = sum(cost(piece, encoding) for piece in token)
        if used + token_cost <= room:
            current, used = current + "".join(token), used + token_cost
            continue
        if current and not token[0].isspace() and token_cost <= room:
            parts.append(current)  # the word moves whole to the next part
            current, used = "".join(token), token_cost
            continue
        # Whitespace, or a word longer than a part: fill up cluster by cluster
        # (a pathological cluster longer than a part, code point by code point).
        pieces = [
            part for piece in token for part in ([piece] if cost(piece, encoding) <= room else piece)
        ]
        for piece in pieces:
            piece_cost = cost(piece, encoding)
            if used + piece_cost > room and current:
                parts.append(current)
                current, used = "", 0
            current, used = current + piece, used + piece_cost
    if current:
        parts.append(current)
    return parts


def gsm7_substitutes(text: str) -> str:
    return text.translate(GSM7_SUBSTITUTES)


def prefer_gsm7(text: str) -> str:
    """The text with typographic quotes, dashes and the like made plain, when
    that makes it GSM-7; otherwise the text unchanged."""
    plain = gsm7_substitutes(text)
    return plain if encoding_of(plain) == GSM7 else text


def _ellipsis(head: str, suffix: str) -> str:
    # "…" is not GSM-7: it would turn a whole GSM-7 text into UCS-2.
    return "..." if encoding_of(head + suffix) == GSM7 else "\u2026"


def _cut(head: str) -> str:
    return head.rstrip().rstrip(",;:-\u2013\u2014").rstrip()


def fit(text: str, max_segments: int, suffix: str = "") -> str:
    """`text + suffix` in at most `max_segments` parts: if too long, the text is
    cut at a word boundary and ends with an ellipsis; the suffix is kept whole."""
    if max_segments < 1:
        raise ValueError("max_segments must be at least 1")
    whole = text + suffix
    if len(segments(whole)) <= max_segments:
        return whole
    # No character costs less than one unit, so a longer head can never fit.
    longest = max_segments * SINGLE[GSM7]
    tokens = _tokens(text)
    ends, position = [], 0
    for token in tokens:
        position += len("".join(token))
        if not token[0].isspace():
            ends.append(position)
    for end in reversed(ends):
        if end > longest:
            continue
        head = _cut(text[:end])
        if not head:
            break
        candidate = head + _ellipsis(head, suffix) + suffix
        if len(segments(candidate)) <= max_segments:
            return candidate
    # Not even the first word fits: cut it between clusters.
    head = ""
    for piece in clusters(text):
        longer = head + piece
        if len(longer) > longest:
            break
        if len(segments(longer + _ellipsis(longer, suffix) + suffix)) > max_segments:
            break
        head = longer
    if head.strip():
        return _cut(head) + _ellipsis(head, suffix) + suffix
    if suffix:  # the suffix alone is too long: shorten everything together
        return fit(whole, max_segments)
    return _ellipsis("", "")
