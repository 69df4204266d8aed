"""Which intents step aside from each form (bot/data/forms/step_aside.yml)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet

import yaml

from bot.paths import FORMS_DATA_DIR


def load_step_aside(path: Path) -> Dict[str, FrozenSet[str]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(form): frozenset(str(intent) for intent in intents) for form, intents in raw.items()}


@lru_cache(maxsize=1)
def _all_forms() -> Dict[str, FrozenSet[str]]:
    return load_step_aside(FORMS_DATA_DIR / "step_aside.yml")


def step_aside_intents(form: str) -> FrozenSet[str]:
    """The intents that `form` leaves to the rules; a form missing from the data is an error."""
    return _all_forms()[form]
