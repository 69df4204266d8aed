"""The campaign registry as the portal reads it: a name for each code the funnel counts.

The file is the assistant's bot/data/content/campaigns.yml (PORTAL_CAMPAIGNS_FILE),
read as plain YAML: the portal imports no code of the assistant. Staff may edit
that file at any time, so a page reads it when it needs it. An entry that is not
well formed is left out, never fatal: the funnel is still worth showing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import yaml

from portal.funnel import CAMPAIGN, LANGUAGE

log = logging.getLogger("portal.campaigns")


@dataclass(frozen=True)
class Campaign:
    code: str
    name: str
    languages: tuple[str, ...]  # the languages its materials are printed in


def parse(data: object) -> list[Campaign]:
    """The registry's campaigns in the file's order."""
    items = data.get("campaigns") if isinstance(data, dict) else None
    found: dict[str, Campaign] = {}
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        code = str(item.get("code") or "")
        if not CAMPAIGN.fullmatch(code) or code in found:
            continue
        name = item.get("name")
        languages = item.get("languages")
        found[code] = Campaign(
            code=code,
            name=name.strip() if isinstance(name, str) and name.strip() else code,
            languages=tuple(str(lang) for lang in languages if LANGUAGE.fullmatch(str(lang)))
            if isinstance(languages, list) else (),
        )
    return list(found.values())


def load(path: Path) -> list[Campaign]:
    """The registry; an absent or unreadable file is an empty one (the codes are shown as they are)."""
    try:
        return parse(yaml.safe_load(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        log.warning("no campaign registry at %s (PORTAL_CAMPAIGNS_FILE): campaigns are shown by code", path)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        log.warning("campaign registry %s could not be read: %s", path, error)
    return []
