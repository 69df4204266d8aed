"""Which language a person named: entity values to ISO codes.

NLU synonyms map most names to codes already; this covers what slips through
(a native name typed as is, a code in capitals).
"""

from __future__ import annotations

from typing import Optional

from bot.forms.text import normalise
from bot.language.registry import LanguageRegistry


def language_code(value: Optional[str], languages: LanguageRegistry) -> Optional[str]:
    """The code of a known language (enabled, not yet enabled, or not offered), or None."""
    if not value:
        return None
    wanted = normalise(str(value))
    if wanted in languages.not_offered:
        return wanted
    for language in languages.all.values():
        if wanted in (language.code, normalise(language.native_name)):
            return language.code
    return None
