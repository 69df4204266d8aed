"""The NLU training examples of one language (bot/data/nlu/<lang>/*.yml), read
with yaml alone: (intent, text) pairs with entity annotations stripped, so
`[по-русски]{"entity": "language", "value": "ru"}` reads "по-русски"."""

from __future__ import annotations

import re
from typing import List, Tuple

import yaml

from bot.paths import BOT_DIR

ANNOTATION = re.compile(r"\[([^\]]*)\](?:\{[^}]*\}|\([^)]*\))")


def nlu_examples(lang: str) -> List[Tuple[str, str]]:
    examples = []
    for path in sorted((BOT_DIR / "data" / "nlu" / lang).glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "intent" not in block:
                continue
            for line in block["examples"].splitlines():
                if line.strip().startswith("- "):
                    examples.append((block["intent"], ANNOTATION.sub(r"\1", line.strip()[2:])))
    return examples
