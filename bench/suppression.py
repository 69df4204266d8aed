"""Time of the portal's small-count suppression on tables of the size its pages compute on
every request: the Campaigns page's funnel (13 campaigns x 11 languages x 11 steps) and the
Statistics page's five breakdowns of a few years of intakes. Pure code, no server."""

from __future__ import annotations

import random
import statistics
import time

from portal.suppression import protect, protect_breakdowns

REPEATS = 5
COUNTS = (0, 0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 20, 40, 90)


def _funnel_table(generator: random.Random) -> tuple[dict, list[str]]:
    steps = [f"step{i}" for i in range(11)]
    rows = {(f"campaign{c}", f"lang{m}"): {s: generator.choice(COUNTS) for s in steps}
            for c in range(13) for m in range(11)}
    return rows, steps


def _breakdowns(generator: random.Random) -> tuple[int, dict]:
    intakes = [(f"w{generator.randrange(156):03d}", f"l{int(generator.paretovariate(1.2)) % 20}",
                f"c{generator.randrange(5)}", f"s{int(generator.paretovariate(1.0)) % 60}",
                generator.choice(("low", "medium", "high")))
               for _ in range(3000)]
    breakdowns: dict[str, dict[str, int]] = {}
    for name, position in (("week", 0), ("language", 1), ("channel", 2), ("source", 3), ("signal", 4)):
        counts = breakdowns.setdefault(name, {})
        for intake in intakes:
            counts[intake[position]] = counts.get(intake[position], 0) + 1
    return len(intakes), breakdowns


def _seconds(call) -> dict:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return {"median_ms": round(statistics.median(times) * 1000, 1), "max_ms": round(max(times) * 1000, 1)}


def bench_suppression() -> dict:
    generator = random.Random(11)
    rows, steps = _funnel_table(generator)
    total, breakdowns = _breakdowns(generator)
    return {
        "repeats": REPEATS,
        "campaigns_page_13x11x11": _seconds(lambda: protect(rows, steps)),
        "statistics_page_3000_intakes_5_breakdowns": _seconds(lambda: protect_breakdowns(total, breakdowns)),
    }
