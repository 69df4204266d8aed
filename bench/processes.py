"""Reading a server process's memory, for the benchmarks (starting and stopping one:
tests/support/servers.py)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, List


def _parents() -> Dict[int, int]:
    """Every running process's parent, from /proc/<pid>/stat ("pid (name) state ppid ...")."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError):
                continue  # ended meanwhile
    return parents


def child_with_argument(argument: str) -> int:
    """The pid of this process's child whose command line holds `argument` (a port, say),
    for a server that another helper started."""
    for pid, parent in _parents().items():
        if parent == os.getpid():
            try:
                if argument.encode() in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0"):
                    return pid
            except FileNotFoundError:
                continue
    raise LookupError(f"no child process with the argument {argument!r}")


def descendants(pid: int) -> List[int]:
    parents = _parents()
    found: List[int] = []
    todo = [pid]
    while todo:
        pid = todo.pop()
        children = [child for child, parent in parents.items() if parent == pid]
        found += children
        todo += children
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of one process (VmRSS), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise LookupError(f"no VmRSS for process {pid}")


def memory(pid: int) -> dict:
    """The process's RSS, and with its child processes (if it has any)."""
    children = descendants(pid)
    own = rss_mb(pid)
    return {"rss_mb": own, "with_children_mb": round(own + sum(rss_mb(c) for c in children), 1),
            "children": len(children)}
