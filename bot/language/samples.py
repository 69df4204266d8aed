"""Sample texts per language for the language identifier (bot/language/identify.py),
from what the project has for every language anyway: the NLU examples
(bot/data/nlu/<code>/*.yml, typed the way people type, transliterations
included) and the translated catalogs (bot/locales/<code>/LC_MESSAGES/messages.po).

From a catalog only the words in the script most of it is written in are taken:
its other words are names and addresses ("WhatsApp", "www.marta.lv").
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Dict, Iterable, Iterator, List

import yaml
from babel.messages.pofile import read_po

from bot.i18n.catalogs import PLACEHOLDER
from bot.language.identify import words
from bot.paths import BOT_DIR, CATALOG_DOMAIN, LOCALES_DIR

NLU_DIR = BOT_DIR / "data" / "nlu"
# An annotated entity in an example: [text](entity) or [text]{"entity": ...}.
ENTITY = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
ADDRESS = re.compile(r"\S+[@/.]\S+")


def nlu_examples(directory: Path) -> Iterator[str]:
    """The intent examples of every file in a language's NLU folder, annotations removed."""
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("nlu") or []:
            if "intent" not in item:
                continue  # synonyms and lookups are lists of names
            for line in str(item.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    yield ENTITY.sub(r"\1", line[2:])


def catalog_texts(po_file: Path) -> List[str]:
    """The translations in a catalog, placeholders and addresses removed, in its main script only."""
    with po_file.open("rb") as handle:
        catalog = read_po(handle)
    texts = [ADDRESS.sub(" ", PLACEHOLDER.sub(" ", str(m.string))) for m in catalog if m.id and m.string]
    scripts = Counter(w.script for text in texts for w in words(text) if w.script)
    if not scripts:
        return []
    main = scripts.most_common(1)[0][0]
    return [" ".join(w.text for w in words(text) if w.script == main) for text in texts]


def catalog_samples(languages: Iterable[str], locales_dir: Path = LOCALES_DIR) -> Dict[str, List[str]]:
    """The translated texts of each language that has a catalog."""
    samples = {}
    for code in languages:
        po_file = locales_dir / code / "LC_MESSAGES" / f"{CATALOG_DOMAIN}.po"
        if po_file.exists():
            samples[code] = catalog_texts(po_file)
    return samples


def project_samples(
    languages: Iterable[str], nlu_dir: Path = NLU_DIR, locales_dir: Path = LOCALES_DIR
) -> Dict[str, List[str]]:
    """The sample texts of each language that has NLU examples or a catalog."""
    samples: Dict[str, List[str]] = {}
    for code in languages:
        texts = list(nlu_examples(nlu_dir / code)) + catalog_samples([code], locales_dir).get(code, [])
        if texts:
            samples[code] = texts
    return samples
