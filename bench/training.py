"""Full training time, as `make train` runs it, from scratch each time (`rasa train --force`).

the eleven languages' data (bot/data/nlu/):
- cold: an empty encoder cache (a fresh clone, CI);
- warm: the same data again, every sentence embedding already in the cache;
- as issue 13 sized eleven languages before their data existed: the Latvian, English and
  Russian data four times over (about 21,000 examples, more than the real eleven), each
  copy's texts made new by a token of its own, so neither the encoder cache nor the
  vectorizers see a text twice; empty cache.
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
FIRST_LANGUAGES = ("lv", "en", "ru")
COPIES = 4
BUTTONS = REPO / "build" / "nlu"  # button titles as examples (python -m bot build), as make train has them


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


def tagged_copy(source: Path, target: Path, tag: str) -> None:
    """The NLU files under `source` with every example ending in ` tag` (entity marks untouched)."""
    for path in sorted(source.rglob("*.yml")):
        content = yaml.safe_load(path.read_text("utf-8")) or {}
        for item in content.get("nlu") or []:
            if "intent" in item and item.get("examples"):
                item["examples"] = "".join(
                    f"- {line.strip()[2:]} {tag}\n" for line in str(item["examples"]).splitlines()
                    if line.strip().startswith("- ")
                )
        out = target / path.relative_to(source)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), "utf-8")


def four_times_over(target: Path) -> Path:
    for copy in range(1, COPIES + 1):
        for lang in FIRST_LANGUAGES:
            tagged_copy(NLU / lang, target / f"copy{copy}" / lang, f"k{copy}")
    return target


def bench_training() -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-training-") as tmp_name:
        tmp = Path(tmp_name)
        cache = tmp / "encoder-cache"
        cold = train([NLU, RULES, BUTTONS], cache, tmp, "cold")
        cold_cached = cached_embeddings(cache)
        warm = train([NLU, RULES, BUTTONS], cache, tmp, "warm")
        simulated_nlu, simulated_cache = four_times_over(tmp / "simulated"), tmp / "encoder-cache-simulated"
        simulated = train([simulated_nlu, RULES, BUTTONS], simulated_cache, tmp, "simulated")
        return {
            "threads": threads(),
            "languages": sorted(path.name for path in NLU.iterdir() if path.is_dir()),
            "examples": examples(NLU),
            "cold_cache": cold,
            "warm_cache": warm,
            "texts_embedded": cold_cached,
            "first_three_four_times_over": {
                "examples": examples(simulated_nlu),
                "cold_cache": simulated,
                "texts_embedded": cached_embeddings(simulated_cache),
            },
        }
