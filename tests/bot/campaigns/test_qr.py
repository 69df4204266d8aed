"""The QR codes: each PNG and SVG read back by a real decoder holds the exact chat link."""

import json

import pytest
import zxingcpp
from PIL import Image

from bot.campaigns import qr
from tests.bot.campaigns.printing import MADE, expected_url, program, run


def entries(printed):
    return {(e["campaign"], e["language"]): e for e in json.loads((printed / "index.json").read_text())["materials"]}


def decoded(image_file):
    return [(code.format.name, code.text, code.ec_level) for code in zxingcpp.read_barcodes(Image.open(image_file))]


def test_the_index_lists_every_pair_made_one_command_at_a_time(printed):
    made = entries(printed)
    assert sorted(made) == sorted(MADE)
    for (campaign, lang), entry in made.items():
        assert entry["url"] == expected_url(campaign, lang)
        assert entry["name"]
        assert all((printed / name).is_file() for name in entry["files"].values())


@pytest.mark.parametrize("campaign, lang", MADE)
def test_the_png_holds_the_link_at_level_h(printed, campaign, lang):
    png = printed / entries(printed)[(campaign, lang)]["files"]["qr_png"]
    assert decoded(png) == [("QRCode", expected_url(campaign, lang), "H")]


@pytest.mark.parametrize("campaign, lang", MADE)
def test_the_svg_holds_the_link(printed, tmp_path, campaign, lang):
    # librsvg (rsvg-convert, Debian's librsvg2-bin) rasterises it: the SVG renderer of GNOME and
    # of many print shops' tools, independent of segno that wrote it.
    svg = printed / entries(printed)[(campaign, lang)]["files"]["qr_svg"]
    png = tmp_path / "from-svg.png"
    run(program("rsvg-convert", "librsvg2-bin"), "--width", "400", str(svg), "--output", str(png))
    assert decoded(png) == [("QRCode", expected_url(campaign, lang), "H")]


def test_the_png_has_a_white_quiet_zone_of_four_modules(printed):
    png = printed / entries(printed)[("emb-tashkent", "uz")]["files"]["qr_png"]
    image = Image.open(png).convert("L")
    [code] = zxingcpp.read_barcodes(image)
    margin = qr.QUIET_ZONE * qr.PNG_SCALE
    assert (code.position.top_left.x, code.position.top_left.y) == (margin, margin)
    assert (code.position.bottom_right.x, code.position.bottom_right.y) == (image.width - margin,) * 2
    size = image.width
    strips = [(0, 0, size, margin), (0, size - margin, size, size),
              (0, 0, margin, size), (size - margin, 0, size, size)]
    assert [image.crop(strip).getextrema() for strip in strips] == [(255, 255)] * 4


@pytest.mark.parametrize("symbol_mm, url", [(82, "https://cilvektirdznieciba.lv/chat?lang=uz&src=emb-tashkent"),
                                            (32, "https://x.lv/c?lang=ur&src=" + "a" * 40)])
def test_the_printed_width_leaves_the_code_its_size_and_adds_the_quiet_zone(symbol_mm, url):
    code = qr.qr_code(url)
    modules = code.symbol_size(border=0)[0]
    width = qr.size_with_quiet_zone(code, symbol_mm)
    assert width * modules / (modules + 2 * qr.QUIET_ZONE) == pytest.approx(symbol_mm)
    assert code.error == "H"
