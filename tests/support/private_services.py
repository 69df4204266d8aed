"""A Redis and a PostgreSQL of the test's own, on free ports in a temporary folder, that a fault
test may stop and start again without touching the machine's services (tests/support/services.py).

Redis: `redis-server` from Debian's package, in memory only. PostgreSQL: Debian's initdb and pg_ctl
make and run a cluster as an unprivileged user (`postgres` when the tests run as root, since the
server refuses to run as root). They fail, never skip, when the programs are missing.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional

import redis
import sqlalchemy as sa

from tests.support.servers import free_port


def _program(name: str, *patterns: str) -> str:
    found = shutil.which(name) or next((p for pattern in patterns for p in sorted(glob.glob(pattern))), None)
    if not found:
        raise RuntimeError(f"{name} is missing (apt-get install {'redis-server' if 'redis' in name else 'postgresql'})")
    return found


class PrivateRedis:
    """redis-server on 127.0.0.1:<free port>, no persistence; `restart` stops it and starts it again
    on the same port (everything it held is gone, as after a crash)."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.binary = _program("redis-server", "/usr/bin/redis-server", "/usr/local/bin/redis-server")
        self.process: Optional[subprocess.Popen] = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, seconds: float = 10) -> None:
        log = (self.folder / "redis.log").open("a")
        self.process = subprocess.Popen(
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)],
            stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + seconds
        while True:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=1).ping()
                self.starts += 1
                return
            except redis.ConnectionError as error:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    log = (self.folder / "redis.log").read_text()
                    raise RuntimeError(f"redis-server did not start:\n{log}") from error
                time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None

    def restart(self, down_seconds: float = 1.0) -> None:
        self.stop()
        time.sleep(down_seconds)
        self.start()


class PrivatePostgres:
    """A PostgreSQL cluster of its own (initdb in a temporary folder, trust on 127.0.0.1 only),
    run by pg_ctl; `restart` is a fast shutdown (every connection cut) and a start."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.pg_ctl = _program("pg_ctl", "/usr/lib/postgresql/*/bin/pg_ctl")
        self.initdb = _program("initdb", "/usr/lib/postgresql/*/bin/initdb")
        self.data, self.sockets, self.log = folder / "data", folder / "sockets", folder / "postgres.log"
        self.user: Optional[pwd.struct_passwd] = None
        if os.geteuid() == 0:  # postgres refuses to run as root
            try:
                self.user = pwd.getpwnam("postgres")
            except KeyError as error:
                raise RuntimeError("running as root, and there is no `postgres` user to run PostgreSQL as") from error

    def _as_owner(self, command: List[str]) -> List[str]:
        return ["runuser", "-u", self.user.pw_name, "--", *command] if self.user else command

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create(self) -> None:
        for folder in (self.data, self.sockets):
            folder.mkdir(parents=True)
        if self.user:
            self.folder.chmod(0o755)
            for path in (self.data, self.sockets):
                os.chown(path, self.user.pw_uid, self.user.pw_gid)
            self.log.touch()
            os.chown(self.log, self.user.pw_uid, self.user.pw_gid)
        subprocess.run(self._as_owner([self.initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust",
                                       "--encoding=UTF8", "--locale=C", "--no-sync"]),
                       check=True, capture_output=True)

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        result = subprocess.run(self._as_owner([self.pg_ctl, "-D", str(self.data), "-l", str(self.log), "-o", options,
                                                "-w", "-t", "30", "start"]), capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not start: {result.stderr}\n{self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        subprocess.run(self._as_owner([self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop"]),
                       capture_output=True)

    def restart(self, down_seconds: float = 2.0) -> None:
        self.stop()
        time.sleep(down_seconds)
        self.start()

    def started_at(self) -> str:
        """The server's start time: a different one proves a restart."""
        engine = sa.create_engine(self.url())
        try:
            with engine.connect() as connection:
                return str(connection.execute(sa.text("SELECT pg_postmaster_start_time()")).scalar())
        finally:
            engine.dispose()


@contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    folder = Path(tempfile.mkdtemp(prefix="paligs-redis-"))
    server = PrivateRedis(folder)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    folder = Path(tempfile.mkdtemp(prefix="paligs-postgres-"))
    server = PrivatePostgres(folder)
    try:
        server.create()
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
