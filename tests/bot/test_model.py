"""The trained assistant: data validation and conversation stories per language.

The held-out NLU figures are checked by `python -m bot nlu-report --check`, a step of make test
whose output shows them (bot/tooling/nlu_report.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.languages import ENABLED

REPO = Path(__file__).resolve().parents[2]
RASA = str(Path(sys.executable).parent / "rasa")
MODEL = REPO / "models" / "paligs.tar.gz"
ENV = {**os.environ, "PYTHONPATH": str(REPO), "RASA_TELEMETRY_ENABLED": "false"}


def run(*args, cwd=REPO):
    return subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True)


def test_rasa_data_validate_is_clean():
    result = run(RASA, "data", "validate", "--fail-on-warning", "--domain", "build/domain",
                 "--config", "config.yml", "--data", "bot/data/nlu", "bot/data/rules", "build/nlu")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "UserWarning" not in result.stderr


def test_conversation_stories_pass_in_every_language(tmp_path):
    stories = REPO / "tests" / "bot" / "conversations"
    assert {p.stem for p in stories.glob("*.yml")} >= set(ENABLED)
    result = run(RASA, "test", "core", "--model", str(MODEL), "--stories", str(stories),
                 "--fail-on-prediction-errors", "--out", str(tmp_path))
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text("utf-8") if failed.exists() else ""
    assert result.returncode == 0, details[-4000:] + result.stderr[-2000:]
    report = json.loads((tmp_path / "story_report.json").read_text("utf-8"))
    assert report["conversation_accuracy"]["accuracy"] == 1.0

