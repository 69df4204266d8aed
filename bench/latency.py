"""Message latency and memory, ours next to the stock assistant, over REST.

Both servers run at once on this machine. Messages go alternately, one at a time: one to
ours, one to stock, and so on, so that whatever else the machine does falls on both.
Ours runs as the tests start it (bot/ action server, SQLite tracker store, one encoder
thread); stock is `rasa init`'s project as it comes (in-memory tracker store).
"""

from __future__ import annotations

import math
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Tuple

import requests

from bench import conversations, processes, stock
from bench.conversations import Message
from tests.support.servers import running_servers

REPO = Path(__file__).resolve().parents[1]
STOCK_PROJECT = REPO / "results" / "stock-init"
# What to report against (issue 13): our p95 at most this many times stock's, our Rasa's RSS at most this.
GOAL_P95_RATIO = 1.5
GOAL_RSS_MB = 1536


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least `fraction` of all values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def summary(seconds: Sequence[float]) -> Dict[str, float]:
    if not seconds:
        return {"messages": 0}
    return {
        "messages": len(seconds),
        "p50_ms": round(statistics.median(seconds) * 1000, 1),
        "p95_ms": round(percentile(seconds, 0.95) * 1000, 1),
        "max_ms": round(max(seconds) * 1000, 1),
    }


@dataclass
class Server:
    name: str
    url: str
    pid: int
    session: requests.Session = field(default_factory=requests.Session)
    timings: List[Tuple[Message, float]] = field(default_factory=list)
    silent: int = 0  # messages answered with nothing at all

    def send(self, message: Message) -> float:
        body = {"sender": message.sender, "message": message.text}
        if message.metadata:
            body["metadata"] = message.metadata
        started = time.perf_counter()
        reply = self.session.post(f"{self.url}/webhooks/rest/webhook", json=body, timeout=120)
        elapsed = time.perf_counter() - started
        reply.raise_for_status()
        if not reply.json():
            self.silent += 1
        return elapsed

    def record(self, message: Message) -> None:
        self.timings.append((message, self.send(message)))

    def report(self) -> dict:
        def of(keep: Callable[[Message], bool]) -> Dict[str, float]:
            return summary([seconds for message, seconds in self.timings if keep(message)])

        return {
            **of(lambda message: True),
            "fresh_conversation": of(lambda message: message.fresh),
            "ongoing_conversation": of(lambda message: not message.fresh),
            # a button's payload ("/affirm") skips the NLU pipeline; typed text goes through it
            "typed_text": of(lambda message: not message.text.startswith("/")),
            "button_payload": of(lambda message: message.text.startswith("/")),
            "answered_with_nothing": self.silent,
            # what makes up the p95: the slowest twentieth, each with its text
            "slowest": [{"text": message.text, "fresh": message.fresh, "ms": round(seconds * 1000, 1)}
                        for message, seconds in sorted(self.timings, key=lambda item: -item[1])
                        [:max(1, len(self.timings) // 20)]],
        }


def alternate(ours: Server, theirs: Server, count: int) -> None:
    """`count` messages to each, one to ours, then one to stock, one at a time."""
    to_ours = conversations.messages(conversations.OURS, count, "bench")
    to_stock = conversations.messages(conversations.STOCK, count, "bench")
    for mine, other in zip(to_ours, to_stock, strict=True):
        ours.record(mine)
        theirs.record(other)


def warm_up(server: Server, all_conversations: Sequence[conversations.Conversation]) -> None:
    """Every conversation once, not measured (first calls load lazily, fill caches)."""
    for message in conversations.messages(all_conversations, sum(map(len, all_conversations)), "warm-up"):
        server.send(message)


def bench_latency(count: int = 300) -> dict:
    stock_model, stock_init_seconds = stock.project(STOCK_PROJECT)
    with tempfile.TemporaryDirectory(prefix="bench-latency-") as tmp_name:
        tmp = Path(tmp_name)
        with running_servers(tmp / "ours", f"sqlite:///{tmp}/tracker.db") as servers, \
                stock.running(STOCK_PROJECT, stock_model, tmp / "stock.log") as (stock_url, stock_process):
            ours = Server("ours", servers.rasa_url, processes.child_with_argument(servers.rasa_url.rsplit(":", 1)[1]))
            theirs = Server("stock", stock_url, stock_process.pid)
            warm_up(ours, conversations.OURS)
            warm_up(theirs, conversations.STOCK)
            memory_warm = {server.name: processes.memory(server.pid) for server in (ours, theirs)}
            alternate(ours, theirs, count)
            memory_end = {server.name: processes.memory(server.pid) for server in (ours, theirs)}
    result = {server.name: {**server.report(), "memory_after_warm_up": memory_warm[server.name],
                            "memory_at_end": memory_end[server.name]} for server in (ours, theirs)}
    ratio_p50 = result["ours"]["p50_ms"] / result["stock"]["p50_ms"]
    ratio_p95 = result["ours"]["p95_ms"] / result["stock"]["p95_ms"]
    our_rss = max(memory_warm["ours"]["rss_mb"], memory_end["ours"]["rss_mb"])
    return {
        "messages_per_server": count,
        **result,
        "ours_to_stock": {"p50": round(ratio_p50, 2), "p95": round(ratio_p95, 2)},
        "goals": {
            f"p95 at most {GOAL_P95_RATIO}x stock": ratio_p95 <= GOAL_P95_RATIO,
            f"our Rasa RSS at most {GOAL_RSS_MB} MiB": our_rss <= GOAL_RSS_MB,
        },
        "stock_model": stock_model.name,
        **({"stock_rasa_init_seconds": stock_init_seconds} if stock_init_seconds is not None else {}),
    }
