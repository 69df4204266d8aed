"""Throughput: how many messages a second one Rasa process answers, next to the stock assistant,
and what a second replica behind nginx adds.

Each simulated conversation sends its next message as soon as the reply arrives (no reading
pause), so the servers are saturated and the figure is their capacity, not a traffic pattern
(bench/load.py is the traffic pattern). Ours and stock go in turns, each burst a few seconds,
so that whatever else the machine does falls on both; then the production profile with one
replica and with two, also in turns.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Dict, List, Sequence

import requests

from bench import conversations, processes, stock
from bench.conversations import Message
from bench.latency import STOCK_PROJECT, percentile
from tests.support.servers import running_servers

ROUNDS = 3
BURST_SECONDS = 15.0
CONCURRENCY = (1, 20)
# Goals of issue 15: per Rasa process at least half the stock assistant's throughput;
# two replicas at least 1.6 times one.
GOAL_PER_PROCESS = 0.5
GOAL_TWO_REPLICAS = 1.6


def burst(url: str, conversation_set: Sequence[conversations.Conversation], people: int, seconds: float,
          tag: str, verify: object = True) -> Dict[str, float]:
    """`people` conversations at once against `url`'s REST webhook for `seconds`."""
    latencies: List[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def person(index: int) -> None:
        session = requests.Session()
        stream: List[Message] = conversations.messages(conversation_set, 10_000, f"{tag}-{index}")
        for message in stream:
            if time.monotonic() >= deadline:
                return
            body = {"sender": message.sender, "message": message.text}
            if message.metadata:
                body["metadata"] = message.metadata
            started = time.perf_counter()
            try:
                # verify= on each request: REQUESTS_CA_BUNDLE would override a session's own
                reply = session.post(f"{url}/webhooks/rest/webhook", json=body, timeout=60, verify=verify)
                failed = reply.status_code >= 400 or not reply.json()
            except (requests.RequestException, ValueError):
                failed = True
            with lock:
                latencies.append(time.perf_counter() - started)
                errors[0] += failed

    started = time.monotonic()
    threads = [threading.Thread(target=person, args=(index,)) for index in range(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "messages": len(latencies),
        "seconds": round(elapsed, 1),
        "messages_per_second": round(len(latencies) / elapsed, 2),
        "p50_ms": round(percentile(latencies, 0.5) * 1000, 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1) if latencies else None,
        "errors": errors[0],
    }


def combined(bursts: Sequence[Dict[str, float]]) -> Dict[str, float]:
    messages = sum(b["messages"] for b in bursts)
    seconds = sum(b["seconds"] for b in bursts)
    return {
        "messages": messages,
        "messages_per_second": round(messages / seconds, 2),
        "median_burst_p50_ms": sorted(b["p50_ms"] for b in bursts)[len(bursts) // 2],
        "median_burst_p95_ms": sorted(b["p95_ms"] for b in bursts)[len(bursts) // 2],
        "errors": sum(b["errors"] for b in bursts),
    }


def ours_and_stock() -> dict:
    stock_model, _ = stock.project(STOCK_PROJECT)
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench-throughput-") as tmp_name:
        tmp = Path(tmp_name)
        with running_servers(tmp / "ours", f"sqlite:///{tmp}/tracker.db") as servers, \
                stock.running(STOCK_PROJECT, stock_model, tmp / "stock.log") as (stock_url, stock_process):
            ours_pid = processes.child_with_argument(servers.rasa_url.rsplit(":", 1)[1])
            for people in CONCURRENCY:
                bursts: Dict[str, list] = {"ours": [], "stock": []}
                for round_ in range(ROUNDS):
                    bursts["ours"].append(burst(servers.rasa_url, conversations.OURS, people, BURST_SECONDS,
                                                f"o{people}r{round_}"))
                    bursts["stock"].append(burst(stock_url, conversations.STOCK, people, BURST_SECONDS,
                                                 f"s{people}r{round_}"))
                results[f"{people}_at_once"] = {name: combined(b) for name, b in bursts.items()}
            results["rss_mb"] = {"ours": processes.memory(ours_pid)["rss_mb"],
                                 "stock": processes.memory(stock_process.pid)["rss_mb"]}
    busiest = results[f"{max(CONCURRENCY)}_at_once"]
    ratio = busiest["ours"]["messages_per_second"] / busiest["stock"]["messages_per_second"]
    results["ours_to_stock_throughput"] = round(ratio, 2)
    return results


def replicas() -> dict:
    """The production profile (nginx, PostgreSQL, Redis) with one Rasa replica and with two, both
    started at once and driven in turns (the idle one waits)."""
    from bot.tooling.production import Ports, running_profile
    from tests.support.services import REDIS_URL, temporary_postgres_database

    people = max(CONCURRENCY)
    bursts: Dict[int, list] = {1: [], 2: []}
    with tempfile.TemporaryDirectory(prefix="bench-replicas-") as tmp_name, ExitStack() as stack:
        os.chmod(tmp_name, 0o755)  # nginx's workers run as nobody
        profiles = {}
        for count in (1, 2):
            run_dir = Path(tmp_name) / f"replicas-{count}"
            run_dir.mkdir(mode=0o755)
            db_url = stack.enter_context(temporary_postgres_database())
            profiles[count] = stack.enter_context(
                running_profile(run_dir, db_url, REDIS_URL, ports=Ports.free(replicas=count)))
        for count, profile in profiles.items():
            burst(profile.url(), conversations.OURS, people, 5, f"warm{count}", str(profile.certificate))
        for round_ in range(ROUNDS):
            for count, profile in profiles.items():
                bursts[count].append(burst(profile.url(), conversations.OURS, people, BURST_SECONDS,
                                           f"p{count}r{round_}", str(profile.certificate)))
        rss = {count: [processes.memory(profile.services[name].process.pid)["rss_mb"] for name in profile.replicas]
               for count, profile in profiles.items()}
    one, two = combined(bursts[1]), combined(bursts[2])
    return {"people_at_once": people, "one_replica": one, "two_replicas": two,
            "rss_mb_per_replica": rss,
            "two_to_one": round(two["messages_per_second"] / one["messages_per_second"], 2)}


def bench_throughput() -> dict:
    single = ours_and_stock()
    scaled = replicas()
    return {
        "burst_seconds": BURST_SECONDS,
        "rounds": ROUNDS,
        "one_process": single,
        "production_profile": scaled,
        "goals": {
            f"per Rasa process at least {GOAL_PER_PROCESS}x stock": single["ours_to_stock_throughput"]
            >= GOAL_PER_PROCESS,
            f"two replicas at least {GOAL_TWO_REPLICAS}x one": scaled["two_to_one"] >= GOAL_TWO_REPLICAS,
        },
    }
