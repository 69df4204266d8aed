"""The campaign registry: which `src` codes are real campaigns, and their SMS keywords.

A `src` comes from a URL anyone can write, so it is only ever kept as a registered
code or as OTHER: nobody can put words into the statistics through a link.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, Optional, Tuple

import yaml

from bot.paths import CONTENT_DIR

OTHER = "other"
CODE_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")
KEYWORD_PATTERN = re.compile(r"[A-Za-z0-9]{2,12}")


@dataclass(frozen=True)
class Campaign:
    code: str
    name: str
    where: str
    by: str
    languages: Tuple[str, ...]
    start: dt.date
    end: Optional[dt.date]
    sms_keyword: Optional[str]
    source: str
    verified_on: dt.date


@dataclass(frozen=True)
class Campaigns:
    by_code: Dict[str, Campaign]

    def tag(self, src: Optional[str]) -> Optional[str]:
        """What a conversation's `src` is counted as: its code when registered, OTHER when
        something else was given, None when nothing was."""
        if src is None or not str(src).strip():
            return None
        code = str(src).strip().lower()
        return code if code in self.by_code else OTHER

    def for_keyword(self, text: str) -> Optional[Campaign]:
        """The campaign whose SMS keyword is this whole message (any case, surrounding spaces)."""
        key = " ".join((text or "").split()).upper()
        return next((c for c in self.by_code.values() if c.sms_keyword and c.sms_keyword.upper() == key), None)


def _date(value: object, what: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    raise ValueError(f"{what} must be a date (YYYY-MM-DD)")


def parse_campaigns(raw: dict, enabled_languages: Iterable[str]) -> Campaigns:
    enabled = set(enabled_languages)
    campaigns: Dict[str, Campaign] = {}
    keywords: Dict[str, str] = {}
    for item in raw.get("campaigns") or []:
        code = str(item["code"])
        if not CODE_PATTERN.fullmatch(code) or code == OTHER:
            raise ValueError(f"campaign code {code!r}: a-z, 0-9 and -, at most 40, not {OTHER!r}")
        if code in campaigns:
            raise ValueError(f"duplicate campaign {code!r}")
        languages = tuple(str(lang) for lang in item.get("languages") or [])
        unknown = sorted(set(languages) - enabled)
        if not languages or unknown:
            raise ValueError(f"campaign {code!r}: languages must be enabled ones, not {unknown or 'none'}")
        keyword = item.get("sms_keyword")
        if keyword is not None:
            keyword = str(keyword)
            if not KEYWORD_PATTERN.fullmatch(keyword):
                raise ValueError(f"campaign {code!r}: sms_keyword must be 2-12 letters and digits")
            if keyword.upper() in keywords:
                raise ValueError(f"campaigns {keywords[keyword.upper()]!r} and {code!r} share a keyword")
            keywords[keyword.upper()] = code
        start = _date(item.get("start"), f"campaign {code!r} start")
        end = _date(item["end"], f"campaign {code!r} end") if item.get("end") is not None else None
        if end is not None and end < start:
            raise ValueError(f"campaign {code!r} ends before it starts")
        campaigns[code] = Campaign(
            code=code, name=str(item["name"]), where=str(item["where"]), by=str(item["by"]),
            languages=languages, start=start, end=end, sms_keyword=keyword, source=str(item["source"]),
            verified_on=_date(item["verified_on"], f"campaign {code!r} verified_on"),
        )
    return Campaigns(campaigns)


def load_campaigns(path: Path, enabled_languages: Iterable[str]) -> Campaigns:
    return parse_campaigns(yaml.safe_load(path.read_text(encoding="utf-8")) or {}, enabled_languages)


@lru_cache(maxsize=1)
def campaigns() -> Campaigns:
    from bot.language.registry import registry

    return load_campaigns(CONTENT_DIR / "campaigns.yml", registry().enabled_codes)
