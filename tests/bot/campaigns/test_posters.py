"""The posters and cards: read back from the PDFs with poppler (pdftotext, pdffonts, pdfinfo,
pdftoppm), each in its own language, one page of the right size, fonts embedded, the code
scannable and big enough; and the refusal of a page that would not print as laid out."""

import dataclasses
import json
import re
import unicodedata

import pytest
import zxingcpp
from PIL import Image

from bot.campaigns import posters, qr
from bot.campaigns.links import chat_link, printed_link
from bot.contacts.book import contact_book, display_phone
from bot.i18n.catalogs import default_catalogs
from bot.language.registry import registry
from tests.bot.campaigns.printing import expected_url, program, run

HOTLINE = display_phone(contact_book()["hotline"].phone)
LAYOUTS = {"poster_pdf": posters.POSTER, "card_pdf": posters.CARD}
MM_PER_POINT = 25.4 / 72


def pdfs(printed, kinds=tuple(LAYOUTS), langs=None):
    """(campaign, lang, path) of the PDFs made of these kinds, in these languages (default: all)."""
    index = json.loads((printed / "index.json").read_text())["materials"]
    return [(e["campaign"], e["language"], printed / e["files"][kind]) for e in index for kind in kinds
            if langs is None or e["language"] in langs]


def lines(lang):
    """The poster's lines as the catalog has them, the hotline number filled."""
    t = default_catalogs().translator(lang)
    return [
        t.pgettext("poster", "Work in Latvia: questions about your rights"),
        t.pgettext("poster", "Free and anonymous chat. Scan the code or open:"),
        t.pgettext("poster", "Hotline: {hotline}", hotline=HOTLINE),
        t.pgettext("poster", "In danger: call 112"),
    ]


def text_of(pdf):
    """pdftotext's reading, NFC, without the bidi embedding marks it adds around right-to-left runs."""
    text = run(program("pdftotext", "poppler-utils"), str(pdf), "-")
    return unicodedata.normalize("NFC", re.sub("[\u202a-\u202e\u2066-\u2069]", "", text))


def spaced(text):
    return " ".join(text.split())


def letters(text):
    """Only the letters (Unicode category L), in order: no vowel signs, virama, nukta, spaces."""
    return "".join(c for c in unicodedata.normalize("NFC", text) if unicodedata.category(c).startswith("L"))


@pytest.mark.parametrize("lang", ["lv", "ru", "uz"])
@pytest.mark.parametrize("kind", list(LAYOUTS))
def test_latin_and_cyrillic_posters_read_back_in_their_language(printed, lang, kind):
    [(campaign, _, pdf)] = pdfs(printed, [kind], [lang])
    text = text_of(pdf)
    for line in lines(lang):
        assert spaced(line) in spaced(text), (line, text)
    assert "Work in Latvia" not in text
    # the link breaks, on the card, only between its parts
    assert printed_link(expected_url(campaign, lang)) in "".join(text.split())


@pytest.mark.parametrize("kind", list(LAYOUTS))
def test_hindi_reads_back_letter_for_letter(printed, kind):
    """pdftotext gives Devanagari back in the order of the drawn glyphs: the short i (ि) before
    its consonant, a conjunct now and then split by a space. Its letters (no vowel signs,
    viramas or nuktas) come back in order, so each line's letters must be there in sequence."""
    [(campaign, _, pdf)] = pdfs(printed, [kind], ["hi"])
    text = text_of(pdf)
    for line in lines("hi"):
        assert letters(line) in letters(text), (line, text)
    assert HOTLINE in text
    assert printed_link(expected_url(campaign, "hi")) in "".join(text.split())


@pytest.mark.parametrize("kind", list(LAYOUTS))
def test_urdu_is_in_nastaliq_with_the_numbers_left_to_right(printed, kind):
    """Urdu is set in Nastaliq, which draws a word from shared stroke and dot glyphs; a PDF maps
    each glyph to the text it was first drawn for, so pdftotext cannot give the words back (a
    Naskh font would, but Urdu is printed in Nastaliq). What can be read is checked: the font is
    an embedded Nastaliq, every Arabic-script letter read back is one of the poster's Urdu
    letters (no other language's words), about as many as the lines have, and the
    hotline number, 112 and the link come back whole and left to right (an un-isolated
    "+371 28612120" inside right-to-left text comes back as "28612120 +371")."""
    [(campaign, _, pdf)] = pdfs(printed, [kind], ["ur"])
    fonts = run(program("pdffonts", "poppler-utils"), str(pdf))
    assert "Noto-Nastaliq-Urdu" in fonts
    text = text_of(pdf)
    urdu = "".join(lines("ur"))
    read_back, printed_letters = (
        [c for c in text if "\u0600" <= c <= "\u06ff" and c.isalpha()] for text in (text, urdu)
    )
    assert set(read_back) <= set(printed_letters)
    # some glyphs carry two letters, some none: about as many, not none and not the lines twice
    assert 0.8 * len(printed_letters) <= len(read_back) <= 1.5 * len(printed_letters)
    assert HOTLINE in text and "112" in text
    assert printed_link(expected_url(campaign, "ur")) in "".join(text.split())


def test_every_font_is_embedded_and_each_script_has_its_own(printed):
    wanted = {"hi": "Noto-Sans-Devanagari", "ur": "Noto-Nastaliq-Urdu"}
    for _, lang, pdf in pdfs(printed):
        # name, type, encoding, then the columns emb sub uni and the object id
        rows = run(program("pdffonts", "poppler-utils"), str(pdf)).splitlines()[2:]
        embedded = [re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+$", row).group(1) for row in rows]
        assert embedded and set(embedded) == {"yes"}, (pdf.name, rows)
        assert wanted.get(lang, "Noto-Sans") in " ".join(rows), (pdf.name, rows)


@pytest.mark.parametrize("kind, size_mm", [("poster_pdf", (148, 210)), ("card_pdf", (85, 55))])
def test_one_page_of_the_printed_size(printed, kind, size_mm):
    for _, _, pdf in pdfs(printed, [kind]):
        info = run(program("pdfinfo", "poppler-utils"), str(pdf))
        assert re.search(r"^Pages:\s+1$", info, re.M), (pdf.name, info)
        width, height = map(float, re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M).groups())
        assert (round(width * MM_PER_POINT), round(height * MM_PER_POINT)) == size_mm


@pytest.mark.parametrize("kind, smallest_mm", [("poster_pdf", 80), ("card_pdf", 30)])
def test_the_printed_code_scans_and_is_big_enough(printed, tmp_path, kind, smallest_mm):
    dpi = 150
    for campaign, lang, pdf in pdfs(printed, [kind], ["uz", "ur"]):
        run(program("pdftoppm", "poppler-utils"), "-png", "-r", str(dpi), str(pdf), str(tmp_path / "page"))
        [code] = zxingcpp.read_barcodes(Image.open(tmp_path / "page-1.png"))
        assert code.text == expected_url(campaign, lang)
        width_mm = (code.position.top_right.x - code.position.top_left.x) * 25.4 / dpi
        assert width_mm >= smallest_mm, (pdf.name, width_mm)


def words(lang, campaign="emb-tashkent"):
    url = chat_link("https://cilvektirdznieciba.lv/chat", lang, campaign)
    direction = registry().get(lang).direction
    return posters.poster_words(default_catalogs().translator(lang), direction, printed_link(url), HOTLINE), url


def page(words, layout, url):
    code = qr.qr_code(url)
    return posters.poster_html(words, layout, qr.svg_data_uri(code), qr.size_with_quiet_zone(code, layout.qr_symbol_mm))


@pytest.mark.parametrize("lang", registry().enabled_codes)
def test_every_language_fits_its_poster_and_card_with_the_longest_campaign_code(lang):
    """A code may have 40 characters (bot/campaigns/registry.py): the longest link and the
    biggest QR code. render_pdf refuses a second page or a letter without a font."""
    said, url = words(lang, campaign="a" * 19 + "-" + "b" * 20)
    for layout in posters.LAYOUTS:
        assert render_starts_a_pdf(page(said, layout, url))


def render_starts_a_pdf(html):
    return posters.render_pdf(html).startswith(b"%PDF")


@pytest.mark.parametrize(
    "change, refusal",
    [
        ({"headline": "Work in Latvia: questions about your rights. " * 12}, "pages, not one"),
        ({"emergency": "In danger: call 112. " * 40}, "pages, not one"),
        ({"headline": "Work in Latvia \u0378"}, "no installed font has"),  # an unassigned code point
    ],
)
@pytest.mark.parametrize("layout", posters.LAYOUTS, ids=lambda layout: layout.name)
def test_a_page_that_would_not_print_as_laid_out_is_refused(change, refusal, layout):
    said, url = words("en")
    assert render_starts_a_pdf(page(said, layout, url))  # the same page, unchanged, prints
    with pytest.raises(posters.PosterRefused, match=refusal):
        posters.render_pdf(page(dataclasses.replace(said, **change), layout, url))


@pytest.mark.parametrize("lang, direction", [("ur", "rtl"), ("hi", "ltr"), ("lv", "ltr")])
def test_the_page_says_its_language_and_direction_and_keeps_numbers_left_to_right(lang, direction):
    said, url = words(lang)
    html = page(said, posters.POSTER, url)
    assert f'<html lang="{lang}" dir="{direction}">' in html
    assert f'<bdi class="ltr" dir="ltr">{HOTLINE}</bdi>' in html
    assert 'class="link ltr" dir="ltr"' in html
    headline = default_catalogs().translator(lang).pgettext("poster", "Work in Latvia: questions about your rights")
    assert f">{headline}</h1>" in html
