"""Shared test settings: the repository root and the tools of the bot venv."""

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"
