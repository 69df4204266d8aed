"""The stock assistant to compare with: `rasa init --no-prompt` (the mood bot), unchanged.

The project and its model are made once under results/stock-init/ (make a new one by
deleting that folder). Its `rasa run` needs no action server: the init project's
endpoints.yml has none and its rules use responses only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, Optional, Tuple

from tests.support.servers import free_port, stop, wait_until_up

RASA = Path(sys.executable).parent / "rasa"


def environment() -> Dict[str, str]:
    """The bench's environment without our code on the path: the stock project is plain Rasa."""
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
    env.pop("PYTHONPATH", None)
    return env


def model_of(project: Path) -> Optional[Path]:
    models = sorted((project / "models").glob("*.tar.gz"))
    return models[-1] if models else None


def project(directory: Path) -> Tuple[Path, Optional[float]]:
    """The init project's newest model, and the seconds `rasa init` took if it ran now."""
    model = model_of(directory)
    if model is not None:
        return model, None
    directory.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    subprocess.run(
        [str(RASA), "init", "--no-prompt", "--init-dir", str(directory)],
        cwd=directory, env=environment(), check=True, stdout=(directory / "init.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    seconds = round(time.monotonic() - started, 1)
    model = model_of(directory)
    if model is None:
        raise RuntimeError(f"rasa init made no model: see {directory / 'init.log'}")
    return model, seconds


@contextmanager
def running(project_dir: Path, model: Path, log: Path) -> Iterator[Tuple[str, subprocess.Popen]]:
    """`rasa run` in the init project on a free port: its URL and process."""
    port = free_port()
    process = subprocess.Popen(
        [str(RASA), "run", "--interface", "127.0.0.1", "--port", str(port), "--model", str(model)],
        cwd=project_dir, env=environment(), stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/", process, log)
        yield url, process
    finally:
        stop(process)
