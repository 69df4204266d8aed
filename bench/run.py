"""Benchmarks (never timed assertions in tests).

    make bench                       # all of them
    python bench/run.py training     # training time of the eleven languages: cold and warm encoder cache
    python bench/run.py latency      # REST latency and memory next to the stock `rasa init` assistant
    python bench/run.py throughput   # messages a second at 1 and 20 at once, next to stock; 1 and 2 replicas
    python bench/run.py load         # people reading 2-8 s: 100 on make run's shape, 200 through nginx
                                     # (BENCH_LOAD_PEOPLE=10 for a quick check of the bench itself)
    python bench/run.py suppression  # the portal's small-count suppression on page-sized tables

Run them on a quiet machine (`nice` if it is shared). Each result is printed and written to
results/bench-<name>.json with the date and the machine.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.latency import bench_latency  # noqa: E402
from bench.load_shapes import bench_load  # noqa: E402
from bench.suppression import bench_suppression  # noqa: E402
from bench.throughput import bench_throughput  # noqa: E402
from bench.training import bench_training  # noqa: E402

RESULTS = REPO / "results"
BENCHES = {"training": bench_training, "latency": bench_latency, "throughput": bench_throughput, "load": bench_load,
           "suppression": bench_suppression}


def machine() -> dict:
    cpu = platform.processor() or "unknown"
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        cpu = next(line.split(":", 1)[1].strip() for line in lscpu.splitlines() if line.startswith("Model name"))
    except (OSError, subprocess.CalledProcessError, StopIteration):
        pass
    return {"cpu": cpu, "cores": len(os.sched_getaffinity(0)), "load_average_at_start": os.getloadavg()}


def main(arguments: list[str]) -> None:
    names = list(BENCHES) if arguments in ([], ["all"]) else arguments
    unknown = [name for name in names if name not in BENCHES]
    if unknown:
        sys.exit(f"usage: python bench/run.py [{'|'.join(BENCHES)}|all]  (not: {', '.join(unknown)})")
    RESULTS.mkdir(exist_ok=True)
    for name in names:
        result = {"date": time.strftime("%Y-%m-%d"), "machine": machine(), **BENCHES[name]()}
        (RESULTS / f"bench-{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        print(f"--- {name} (results/bench-{name}.json)")
        print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
