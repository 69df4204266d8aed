"""Print materials for campaigns (`python -m bot qr`): which campaign and language get them, the
files each gets, and DIR/index.json, from which the staff portal offers them for download.

index.json: {"materials": [{"campaign", "name", "language", "url", "files": {"qr_png", "qr_svg",
"poster_pdf", "card_pdf"}}]}, file names relative to the folder, sorted by campaign and language.
A run replaces the entries it made and keeps earlier ones whose files are still there, so
making one language after another fills the index rather than emptying it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Tuple

from bot.campaigns import posters, qr
from bot.campaigns.links import chat_link, printed_link
from bot.campaigns.registry import Campaign, Campaigns
from bot.i18n.catalogs import default_catalogs
from bot.language.registry import registry

INDEX_FILE = "index.json"
DEFAULT_OUT_DIR = Path("build") / "posters"


class SelectionError(ValueError):
    """A campaign or language that has no materials: the operator's mistake, said plainly."""


@dataclass(frozen=True)
class Material:
    """The files of one campaign in one language."""

    campaign: Campaign
    lang: str
    url: str

    @property
    def files(self) -> Dict[str, str]:
        stem = f"{self.campaign.code}-{self.lang}"
        return {
            "qr_png": f"{stem}-qr.png",
            "qr_svg": f"{stem}-qr.svg",
            "poster_pdf": f"{stem}-poster-a5.pdf",
            "card_pdf": f"{stem}-card-85x55.pdf",
        }

    def index_entry(self) -> dict:
        return {
            "campaign": self.campaign.code,
            "name": self.campaign.name,
            "language": self.lang,
            "url": self.url,
            "files": self.files,
        }


def select(
    registered: Campaigns, campaign: Optional[str], lang: Optional[str], everything: bool
) -> List[Tuple[Campaign, str]]:
    """(campaign, language) pairs to make: every campaign in each of its languages, one campaign in
    each of its languages, or one campaign in one of them."""
    if everything and (campaign or lang):
        raise SelectionError("--all makes every campaign in each of its languages: no --campaign or --lang with it")
    if everything:
        return [(c, code) for c in registered.by_code.values() for code in c.languages]
    if campaign not in registered.by_code:
        known = ", ".join(registered.by_code) or "none"
        raise SelectionError(f"no campaign {campaign!r} in bot/data/content/campaigns.yml (registered: {known})")
    chosen = registered.by_code[campaign]
    if lang is None:
        return [(chosen, code) for code in chosen.languages]
    if lang not in chosen.languages:
        raise SelectionError(
            f"campaign {chosen.code!r} is not printed in {lang!r}; its languages: {', '.join(chosen.languages)}"
        )
    return [(chosen, lang)]


def materials_for(selection: Iterable[Tuple[Campaign, str]], chat_public_url: str) -> List[Material]:
    return [Material(c, lang, chat_link(chat_public_url, lang, c.code)) for c, lang in selection]


def merged_index(previous: Iterable[dict], made: Iterable[dict], present: Callable[[str], bool]) -> dict:
    """The index after a run: what it made, and the earlier entries for other campaigns and languages
    whose files are all still `present`."""
    entries = {(e["campaign"], e["language"]): e for e in previous if all(map(present, e["files"].values()))}
    entries.update({(e["campaign"], e["language"]): e for e in made})
    return {"materials": [entries[key] for key in sorted(entries)]}


def read_index(out_dir: Path) -> List[dict]:
    """The entries of an earlier run; none when there is no index or it is not one of ours."""
    try:
        entries = json.loads((out_dir / INDEX_FILE).read_text(encoding="utf-8"))["materials"]
        return [e for e in entries if isinstance(e, dict) and {"campaign", "language", "files"} <= e.keys()]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def write_index(out_dir: Path, index: dict) -> None:
    # Replaced whole, so the portal never reads half a file.
    partial = out_dir / (INDEX_FILE + ".partial")
    partial.write_text(json.dumps(index, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, out_dir / INDEX_FILE)


def make_all(made: List[Material], out_dir: Path, hotline_number: str, report: Callable[[str], None]) -> dict:
    """Write every material's files and the index; the index as written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for material in made:
        make(material, out_dir, hotline_number)
        report(f"{material.campaign.code} {material.lang}: {material.url}")
    index = merged_index(read_index(out_dir), [m.index_entry() for m in made], lambda f: (out_dir / f).is_file())
    write_index(out_dir, index)
    return index


def make(material: Material, out_dir: Path, hotline_number: str) -> None:
    """Write one material's QR code (PNG, SVG), poster and card into `out_dir`."""
    code = qr.qr_code(material.url)
    files = {name: out_dir / file for name, file in material.files.items()}
    qr.write_png(code, files["qr_png"])
    qr.write_svg(code, files["qr_svg"], title=material.url)
    words = posters.poster_words(
        default_catalogs().translator(material.lang), registry().get(material.lang).direction,
        printed_link(material.url), hotline_number,
    )
    image = qr.svg_data_uri(code)
    for layout in posters.LAYOUTS:
        width = qr.size_with_quiet_zone(code, layout.qr_symbol_mm)
        posters.write_pdf(posters.poster_html(words, layout, image, width), files[f"{layout.name}_pdf"])
