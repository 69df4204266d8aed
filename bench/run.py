"""Benchmarks (never timed assertions in tests): full training time and REST latency.

    make bench            # both
    python bench/run.py training|latency

Results are printed and written to results/bench-<name>.json.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

RESULTS = REPO / "results"
LATENCY_MESSAGES = ["/greet", "who can I call", "menu", "is this anonymous", "/ask_contacts", "thanks"]


def bench_training() -> dict:
    """Full training from scratch (no cache), as CI and a fresh clone do it."""
    rasa = Path(sys.executable).parent / "rasa"
    with tempfile.TemporaryDirectory() as out:
        started = time.monotonic()
        subprocess.run(
            [str(rasa), "train", "--force", "--domain", "build/domain", "--config", "config.yml",
             "--data", "bot/data/nlu", "bot/data/rules", "--out", out],
            cwd=REPO, check=True, capture_output=True,
        )
        return {"full_training_seconds": round(time.monotonic() - started, 1)}


def bench_latency(rounds: int = 20) -> dict:
    import requests

    from tests.support.servers import running_servers

    timings = []
    with tempfile.TemporaryDirectory() as tmp, running_servers(Path(tmp), f"sqlite:///{tmp}/t.db") as servers:
        for _ in range(rounds):
            sender = "bench-" + uuid.uuid4().hex[:8]
            for message in LATENCY_MESSAGES:
                started = time.monotonic()
                requests.post(f"{servers.rasa_url}/webhooks/rest/webhook",
                              json={"sender": sender, "message": message}, timeout=60).raise_for_status()
                timings.append(time.monotonic() - started)
    timings.sort()
    return {
        "messages": len(timings),
        "median_ms": round(statistics.median(timings) * 1000, 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1] * 1000, 1),
    }


def main(names: list[str]) -> None:
    benches = {"training": bench_training, "latency": bench_latency}
    RESULTS.mkdir(exist_ok=True)
    for name in names or list(benches):
        result = benches[name]()
        (RESULTS / f"bench-{name}.json").write_text(json.dumps(result, indent=2))
        print(name, result)


if __name__ == "__main__":
    main(sys.argv[1:])
