"""A campaign's A5 poster and 85 x 55 mm card: the words in the poster's language, the layout,
and the PDF.

The words are few and safe to be seen by an employer: what the chat is for, that it is free and
anonymous, the link written out, the hotline and 112. WeasyPrint lays the page out through Pango
and HarfBuzz, so Urdu is joined right to left and Devanagari is shaped; the fonts (Debian's
fonts-noto-core) are embedded. A page that would need a second sheet, or a letter no font has,
is refused rather than printed.
"""

from __future__ import annotations

import html
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Iterator, List

from bot.i18n.catalogs import Translator, fill

TEMPLATE_FILE = Path(__file__).with_name("poster.html")


@dataclass(frozen=True)
class Layout:
    name: str
    page_size: str
    page_margin: str
    # the QR code itself, without its quiet zone
    qr_symbol_mm: float


# At least 80 mm of code on the poster, to scan from arm's length; at least 30 mm on the card.
POSTER = Layout("poster", page_size="A5", page_margin="10mm 12mm", qr_symbol_mm=82)
CARD = Layout("card", page_size="85mm 55mm", page_margin="3mm", qr_symbol_mm=32)
LAYOUTS = (POSTER, CARD)


@dataclass(frozen=True)
class PosterWords:
    """What a poster and a card say, in one language; `hotline` as translated, with its `{hotline}`
    placeholder still in it (the number goes in left to right, poster_html)."""

    lang: str
    direction: str
    headline: str
    invitation: str
    link: str
    hotline: str
    hotline_number: str
    emergency: str


def poster_words(t: Translator, direction: str, link: str, hotline_number: str) -> PosterWords:
    return PosterWords(
        lang=t.lang,
        direction=direction,
        # Nothing on paper may say "trafficking": someone else may see it on the wall or in a pocket.
        headline=t.pgettext("poster", "Work in Latvia: questions about your rights"),
        invitation=t.pgettext("poster", "Free and anonymous chat. Scan the code or open:"),
        link=link,
        hotline=t.pgettext("poster", "Hotline: {hotline}"),
        hotline_number=hotline_number,
        emergency=t.pgettext("poster", "In danger: call 112"),
    )


def _left_to_right(text: str) -> str:
    """Text kept left to right inside right-to-left lines (a bidi isolate)."""
    return f'<bdi class="ltr" dir="ltr">{html.escape(text)}</bdi>'


def _breakable_link(link: str) -> str:
    """The link in parts that break apart before its query and its parameters, not at a hyphen or a
    slash unless one part alone is wider than the line."""
    pieces = link.replace("?", "\n?").replace("&", "\n&").split("\n")
    return "<wbr>".join(f'<span class="unbroken">{html.escape(piece)}</span>' for piece in pieces)


def poster_html(words: PosterWords, layout: Layout, qr_src: str, qr_width_mm: float) -> str:
    """The page as HTML; `qr_src` is the code's image (a data: URI), `qr_width_mm` its printed width
    with the quiet zone."""
    values = {
        "lang": words.lang,
        "direction": words.direction,
        "page_size": layout.page_size,
        "page_margin": layout.page_margin,
        "layout": layout.name,
        "qr_src": html.escape(qr_src),
        "qr_width": f"{qr_width_mm:.2f}mm",
        "headline": html.escape(words.headline),
        "invitation": html.escape(words.invitation),
        "link": _breakable_link(words.link),
        "hotline": fill(html.escape(words.hotline), {"hotline": _left_to_right(words.hotline_number)}),
        "emergency": html.escape(words.emergency),
    }
    return Template(TEMPLATE_FILE.read_text(encoding="utf-8")).substitute(values)


class PosterRefused(RuntimeError):
    """A page that would not print as laid out: a second sheet, or letters without a font."""


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: List[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _weasyprint_warnings() -> Iterator[List[str]]:
    """WeasyPrint's warnings while a page is laid out: it logs a missing glyph, it does not raise."""
    recorder = _Recorder()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(recorder)
    try:
        yield recorder.messages
    finally:
        logger.removeHandler(recorder)


def render_pdf(page: str) -> bytes:
    """The PDF of one page of HTML; PosterRefused when it needs more pages or a glyph is missing."""
    import weasyprint  # needs Pango: imported only when a poster is made

    with _weasyprint_warnings() as warnings:
        document = weasyprint.HTML(string=page).render()
        if len(document.pages) != 1:
            raise PosterRefused(f"the words need {len(document.pages)} pages, not one: shorten the translation")
        pdf = document.write_pdf()  # glyphs are looked up (and found missing) while drawing
    missing = [message for message in warnings if ".notdef" in message]
    if missing:
        raise PosterRefused("letters no installed font has (fonts-noto-core?): " + "; ".join(missing))
    return pdf


def write_pdf(page: str, path: Path) -> None:
    try:
        path.write_bytes(render_pdf(page))
    except PosterRefused as refused:
        raise PosterRefused(f"{path.name}: {refused}") from None

