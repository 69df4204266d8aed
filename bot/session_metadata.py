"""What a conversation's entry metadata may set: language, campaign source, channel.

Metadata comes from the client (`?lang=ru&src=emb-tashkent` on the web chat,
`metadata` in a REST request), so only well-formed values are kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from bot.language.registry import LanguageRegistry
from bot.vocabulary import CHANNELS

SOURCE_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,40}")


@dataclass(frozen=True)
class SessionEntry:
    language: Optional[str] = None
    source: Optional[str] = None
    channel: Optional[str] = None


def clean_metadata(metadata: Any) -> dict:
    """Keep only the entry fields we understand, well-formed; drop the rest."""
    if not isinstance(metadata, Mapping):
        return {}
    cleaned = {}
    lang = metadata.get("lang")
    if isinstance(lang, str) and re.fullmatch(r"[a-z]{2}", lang.strip().lower()):
        cleaned["lang"] = lang.strip().lower()
    src = metadata.get("src")
    if isinstance(src, str) and SOURCE_PATTERN.fullmatch(src.strip()):
        cleaned["src"] = src.strip().lower()
    channel = metadata.get("channel")
    if channel in CHANNELS:
        cleaned["channel"] = channel
    return cleaned


def session_entry(metadata: Any, languages: LanguageRegistry) -> SessionEntry:
    cleaned = clean_metadata(metadata)
    return SessionEntry(
        language=languages.supported(cleaned.get("lang")),
        source=cleaned.get("src"),
        channel=cleaned.get("channel"),
    )
