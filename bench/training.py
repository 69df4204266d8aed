"""Full training time, as `make train` runs it, from scratch each time (`rasa train --force`).

the eleven languages' data (bot/data/nlu/):
- cold: an empty encoder cache (a fresh clone, CI);
- warm: the same data again, every sentence embedding already in the cache.
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

REPO = Path(__file__).resolve().parents[1]
RASA = Path(sys.executable).parent / "rasa"
NLU = REPO / "bot" / "data" / "nlu"
RULES = REPO / "bot" / "data" / "rules"
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


def bench_training() -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-training-") as tmp_name:
        tmp = Path(tmp_name)
        cache = tmp / "encoder-cache"
        cold = train([NLU, RULES, BUTTONS], cache, tmp, "cold")
        cold_cached = cached_embeddings(cache)
        warm = train([NLU, RULES, BUTTONS], cache, tmp, "warm")
        return {
            "threads": threads(),
            "languages": sorted(path.name for path in NLU.iterdir() if path.is_dir()),
            "examples": examples(NLU),
            "cold_cache": cold,
            "warm_cache": warm,
            "texts_embedded": cold_cached,
        }
