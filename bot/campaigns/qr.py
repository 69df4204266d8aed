"""The QR code of a chat link: the PNG and SVG files staff download, and the vector image the
poster and the card print."""

from __future__ import annotations

from pathlib import Path

import segno

# H (30 % of the code may be lost) rather than Q: posters get dirty and cards get creased, and the
# bigger code this makes still scans from arm's length at the printed sizes (a module of about
# 2 mm on the poster, 0.7 mm on the card for a link of 60 characters).
ERROR_CORRECTION = "h"
# The white margin the standard asks for around the code, in modules; it is part of every image.
QUIET_ZONE = 4
# Black on white, never transparent: a code printed over a coloured background may not scan.
COLOURS = {"dark": "#000", "light": "#fff"}
# Pixels per module in the PNG: about 900 pixels across, enough to print at 75 mm and 300 dpi.
PNG_SCALE = 20


def qr_code(url: str) -> segno.QRCode:
    # boost_error=False: exactly the level above, so the tests can check what was promised.
    return segno.make_qr(url, error=ERROR_CORRECTION, boost_error=False)


def size_with_quiet_zone(code: segno.QRCode, symbol_mm: float) -> float:
    """How wide the image must be, quiet zone included, for the code itself to be `symbol_mm` wide."""
    modules = code.symbol_size(border=0)[0]
    return symbol_mm * (modules + 2 * QUIET_ZONE) / modules


def write_png(code: segno.QRCode, path: Path) -> None:
    code.save(str(path), kind="png", scale=PNG_SCALE, border=QUIET_ZONE, **COLOURS)


def write_svg(code: segno.QRCode, path: Path, title: str) -> None:
    """A scalable image (one module = 1 mm, to be scaled when placed), its title the link it holds."""
    code.save(str(path), kind="svg", border=QUIET_ZONE, unit="mm", title=title, **COLOURS)


def svg_data_uri(code: segno.QRCode) -> str:
    """The code as a data: URI, for the poster and card to print as vectors."""
    return code.svg_data_uri(border=QUIET_ZONE, **COLOURS)
