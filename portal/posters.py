"""The posters, cards and QR codes `python -m bot qr --all --out DIR` makes (`make posters`),
as the portal offers them for download.

DIR (PORTAL_POSTERS_DIR, default build/posters) holds the files and index.json:

    {"materials": [{"campaign": "emb-tashkent", "name": "...", "language": "uz",
                    "url": "https://.../chat?lang=uz&src=emb-tashkent",
                    "files": {"qr_png": "emb-tashkent-uz-qr.png", "poster_pdf": "...", ...}}]}

The portal serves a file only when the index lists it, its name is a plain
relative path, it still lies inside DIR with every link resolved, and it is of
a kind in CONTENT_TYPES. Anything else in the index is skipped, not fatal.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from portal.funnel import CAMPAIGN, LANGUAGE

INDEX_FILE = "index.json"
CONTENT_TYPES = {".png": "image/png", ".svg": "image/svg+xml", ".pdf": "application/pdf"}
KIND = re.compile(r"^[a-z0-9_]{1,32}$")
# The kinds the assistant writes, in the order the page lists them (others follow, by name).
KNOWN_KINDS = ("poster_pdf", "card_pdf", "qr_png", "qr_svg")
log = logging.getLogger("portal.posters")


@dataclass(frozen=True)
class Material:
    """The files of one campaign in one language: kind -> file name inside DIR."""
    campaign: str
    language: str
    name: str
    url: str
    files: dict[str, str]


def safe_relative(name: object) -> str | None:
    """A plain relative path (no "..", no root, no backslash, no control characters), or None."""
    if not isinstance(name, str) or not name or len(name) > 255:
        return None
    if "\\" in name or any(ord(char) < 32 for char in name):
        return None
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("", ".", "..") for part in name.split("/")):
        return None
    return name if path.suffix.lower() in CONTENT_TYPES else None


def _kind_order(kind: str) -> tuple[int, str]:
    return (KNOWN_KINDS.index(kind) if kind in KNOWN_KINDS else len(KNOWN_KINDS), kind)


def parse_index(data: object) -> list[Material]:
    """The well-formed entries of an index, sorted by campaign and language."""
    entries = data.get("materials") if isinstance(data, dict) else data
    found: dict[tuple[str, str], Material] = {}
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        campaign, language = entry.get("campaign"), entry.get("language")
        if not (isinstance(campaign, str) and CAMPAIGN.fullmatch(campaign)
                and isinstance(language, str) and LANGUAGE.fullmatch(language)):
            continue
        files = entry.get("files") if isinstance(entry.get("files"), dict) else {}
        clean = {kind: name for kind, raw in files.items()
                 if isinstance(kind, str) and KIND.fullmatch(kind) and (name := safe_relative(raw))}
        name, url = entry.get("name"), entry.get("url")
        found[(campaign, language)] = Material(
            campaign=campaign,
            language=language,
            name=name if isinstance(name, str) else "",
            # only a web address is shown as one
            url=url if isinstance(url, str) and url.startswith(("https://", "http://")) else "",
            files={kind: clean[kind] for kind in sorted(clean, key=_kind_order)},
        )
    return [found[key] for key in sorted(found)]


def read_index(directory: Path) -> list[Material] | None:
    """The index's entries; None when there is no index (nothing generated yet) or it is not JSON."""
    try:
        return parse_index(json.loads((directory / INDEX_FILE).read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        log.warning("%s could not be read: %s", directory / INDEX_FILE, error)
        return None


def find(materials: list[Material], campaign: str, language: str, kind: str) -> str | None:
    for material in materials:
        if (material.campaign, material.language) == (campaign, language):
            return material.files.get(kind)
    return None


def resolve(directory: Path, name: str) -> Path | None:
    """The file `name` (from the index) inside `directory`, links resolved; None if it is
    not a regular file there."""
    if safe_relative(name) is None:
        return None
    root = directory.resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def available(directory: Path, materials: list[Material]) -> list[Material]:
    """The same entries with only the files that can be served (there, inside the folder)."""
    return [replace(m, files={kind: name for kind, name in m.files.items() if resolve(directory, name)})
            for m in materials]


def content_type(path: Path) -> str:
    return CONTENT_TYPES[path.suffix.lower()]
