"""Full training time, as `make train` runs it, from scratch each time (`rasa train --force`).

- cold: an empty encoder cache (a fresh clone, CI);
- warm: the same data again, every sentence embedding already in the cache;
- eleven languages, simulated: the Latvian, English and Russian data four times over,
  each copy's texts made new by a token of its own (so that neither the encoder cache
  nor the vectorizers see a text twice), with an empty cache.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Dict, List

import numpy as np
import yaml

REPO = Path(__file__).resolve().parents[1]
RASA = Path(sys.executable).parent / "rasa"
NLU = REPO / "bot" / "data" / "nlu"
RULES = REPO / "bot" / "data" / "rules"
COPIES = 4  # 3 languages x 4 = 12 sets of examples, about what eleven languages would bring


def threads() -> int:
    """As the Makefile's TRAIN_THREADS (`nproc`): the CPUs this process may use."""
    return len(os.sched_getaffinity(0))


# Rasa's training hooks log each trainable component's start and end (to the second).
COMPONENT_LOG = re.compile(
    r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) INFO\s+rasa\.engine\.training\.hooks\s+- "
    r"(Starting to train|Finished training) component '(\w+)'"
)


def component_seconds(log: str) -> Dict[str, int]:
    """Seconds per trained component, the slowest first (components of one class added up).
    The sentence embeddings are computed outside these (the encoder is not trained)."""
    started: Dict[str, List[datetime]] = defaultdict(list)
    seconds: Dict[str, int] = defaultdict(int)
    for line in log.splitlines():
        match = COMPONENT_LOG.match(line)
        if match:
            when, what, name = datetime.fromisoformat(match[1]), match[2], match[3]
            if what.startswith("Starting"):
                started[name].append(when)
            elif started[name]:
                seconds[name] += int((when - started[name].pop()).total_seconds())
    return dict(sorted(seconds.items(), key=lambda item: -item[1]))


def train(data: List[Path], encoder_cache: Path, work: Path, name: str) -> dict:
    """The Makefile's `rasa train`, forced, with this data and encoder cache: seconds in all
    and for each trained component."""
    env = {
        **os.environ,
        "ENCODER_THREADS": str(threads()),
        "OMP_NUM_THREADS": str(threads()),  # read when the process starts, as the Makefile sets it
        "ENCODER_CACHE_DIR": str(encoder_cache),
        "RASA_CACHE_DIRECTORY": str(work / "rasa-cache"),  # Rasa's own, skipped anyway by --force
    }
    log = work / f"train-{name}.log"
    started = time.monotonic()
    done = subprocess.run(
        [str(RASA), "train", "--force", "--domain", "build/domain", "--config", "config.yml",
         "--data", *map(str, data), "--out", str(work / "models"), "--fixed-model-name", "paligs"],
        cwd=REPO, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise RuntimeError(f"rasa train failed:\n{log.read_text('utf-8', 'replace')[-4000:]}")
    return {"seconds": round(seconds, 1), "component_seconds": component_seconds(log.read_text("utf-8", "replace"))}


def examples(nlu: Path) -> int:
    """Training examples, as Rasa reads them."""
    from rasa.shared.nlu.training_data.loading import load_data

    return len(load_data(str(nlu)).intent_examples)


def cached_embeddings(encoder_cache: Path) -> int:
    """Texts embedded into the cache: the check that the copies were new to it."""
    total = 0
    for path in encoder_cache.glob("*.npz"):
        with np.load(path) as stored:
            total += len(stored["keys"])
    return total


def _tagged(examples_block: str, tag: str) -> str:
    lines = []
    for line in examples_block.splitlines():
        stripped = line.strip()
        lines.append(f"- {stripped[2:]} {tag}" if stripped.startswith("- ") else line)
    return "\n".join(lines) + "\n"


def copy_with_tag(source: Path, target: Path, tag: str) -> None:
    """Every NLU file under `source`, each example ending in `tag` (entity marks are untouched)."""
    for path in sorted(source.rglob("*.yml")):
        content = yaml.safe_load(path.read_text("utf-8"))
        for item in content.get("nlu", []):
            if "examples" in item:
                item["examples"] = _tagged(item["examples"], tag)
        out = target / path.relative_to(source)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), "utf-8")


def simulated_languages(target: Path, copies: int = COPIES) -> Path:
    """`copies` copies of the NLU data, each with a token of its own ("k1" ... ): new texts."""
    for copy in range(1, copies + 1):
        copy_with_tag(NLU, target / f"copy{copy}", f"k{copy}")
    return target


def bench_training() -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-training-") as tmp_name:
        tmp = Path(tmp_name)
        cache, big_cache = tmp / "encoder-cache", tmp / "encoder-cache-eleven"
        cold = train([NLU, RULES], cache, tmp, "cold")
        cold_cached = cached_embeddings(cache)
        warm = train([NLU, RULES], cache, tmp, "warm")
        eleven_nlu = simulated_languages(tmp / "eleven")
        eleven = train([eleven_nlu, RULES], big_cache, tmp, "eleven")
        return {
            "threads": threads(),
            "three_languages": {
                "examples": examples(NLU),
                "cold_cache": cold,
                "warm_cache": warm,
                "texts_embedded": cold_cached,
            },
            "eleven_languages_simulated": {
                "examples": examples(eleven_nlu),
                "cold_cache": eleven,
                "texts_embedded": cached_embeddings(big_cache),
            },
        }
