"""The load benchmark: bench/load.py's people against both shapes, one after the other.

- `make run`'s shape (tests/support/servers.py): one Rasa server, the action server, SQLite, locks in
  memory, and the portal; 100 people.
- The production profile (bot/tooling/production.py): nginx with TLS, two Rasa replicas on the
  machine's PostgreSQL and Redis (tests/support/services.py), the action server and the portal;
  200 people, through nginx.

Each person reads 2-8 s before each message, and the people arrive within the first 8 s. Reported per
shape: latency p50/p95/max, throughput, errors, the intakes, and each process's resident memory
(sampled every second: the peak, and at the end). BENCH_LOAD_PEOPLE=10 runs both shapes with 10
people (a quick check that the bench works, not a result).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, Mapping, Optional

from bench import processes
from bench.load import Plan, Target, run_load
from tests.support.load import portal_references

READING_SECONDS = (2.0, 8.0)
PEOPLE = {"embedded": 100, "production": 200}
# Every simulated person writes from 127.0.0.1: the per-address limit would count them as one.
ENV = {"RATE_LIMIT_PER_ADDRESS": "1000000", "OUTBOX_POLL_SECONDS": "1"}


class MemorySampler:
    """Each named process's RSS (with its child processes) every second, in a thread: the peak and
    the last value."""

    def __init__(self, pids: Mapping[str, int]) -> None:
        self.pids = dict(pids)
        self.peak: Dict[str, float] = {}
        self.last: Dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        for name, pid in self.pids.items():
            try:
                rss = processes.memory(pid)["with_children_mb"]
            except (FileNotFoundError, ProcessLookupError, LookupError):
                continue  # ended meanwhile
            self.last[name] = rss
            self.peak[name] = max(self.peak.get(name, 0.0), rss)

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self._sample()

    @contextmanager
    def running(self) -> Iterator["MemorySampler"]:
        self._sample()
        self._thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            self._thread.join()
            self._sample()

    def report(self) -> Dict[str, Dict[str, float]]:
        return {name: {"peak_rss_mb": self.peak.get(name), "rss_mb_at_end": self.last.get(name)}
                for name in self.pids}


def _plan(people: int) -> Plan:
    return Plan(people=people, reading_seconds=READING_SECONDS, arrival_seconds=READING_SECONDS[1],
                delivery_seconds=120)


def _measured(summary: Dict[str, Any], sampler: MemorySampler) -> Dict[str, Any]:
    summary = {key: value for key, value in summary.items() if key != "people_detail"}
    summary["memory"] = sampler.report()
    return summary


def embedded(people: int) -> Dict[str, Any]:
    from tests.support.servers import INTAKE_SECRET, PortalServer, running_servers

    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp_name:
        tmp = Path(tmp_name)
        portal = PortalServer(tmp)
        portal.start()
        try:
            env = {**ENV, "INTAKE_URL": portal.intake_url, "INTAKE_SECRET": INTAKE_SECRET}
            with running_servers(tmp, f"sqlite:///{tmp}/tracker.db", extra_env=env) as servers:
                pids = {"rasa": processes.child_with_argument(servers.rasa_url.rsplit(":", 1)[1]),
                        "actions": servers.actions_process.pid, "portal": portal.process.pid}
                with MemorySampler(pids).running() as sampler:
                    summary = run_load(Target(servers.rasa_url), _plan(people), intakes=portal_references(portal.db))
        finally:
            portal.stop()
    return _measured(summary, sampler)


def production(people: int) -> Dict[str, Any]:
    from bot.tooling.production import running_profile
    from tests.support.services import REDIS_URL, temporary_postgres_database

    run_dir = Path(tempfile.mkdtemp(prefix="bench-load-production-"))
    run_dir.chmod(0o755)  # nginx's workers run as nobody when it starts as root
    env = {**os.environ, **ENV, "PORTAL_DB_URL": f"sqlite+aiosqlite:///{run_dir}/portal.db",
           "PORTAL_VAR_DIR": str(run_dir)}
    try:
        with temporary_postgres_database() as database, \
                running_profile(run_dir, database, REDIS_URL, env=env) as profile:
            pids = {name: service.process.pid for name, service in profile.services.items()}
            with MemorySampler(pids).running() as sampler:
                summary = run_load(Target(profile.url(), ca_file=str(profile.certificate)), _plan(people),
                                   intakes=portal_references(run_dir / "portal.db"))
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    return _measured(summary, sampler)


def bench_load(people: Optional[int] = None) -> dict:
    people = people or int(os.environ.get("BENCH_LOAD_PEOPLE", "0") or 0) or None
    shapes = {"embedded": embedded, "production": production}
    result: Dict[str, Any] = {"reading_seconds": list(READING_SECONDS)}
    for name, run in shapes.items():
        count = people or PEOPLE[name]
        result[name] = {"people_asked": count, **run(count)}
    return result
