"""The trained assistant: data validation, conversation stories per language, held-out NLU."""

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
                 "--config", "config.yml", "--data", "bot/data/nlu", "bot/data/rules")
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


def test_nlu_held_out_split_per_language():
    result = run(sys.executable, "-m", "bot", "nlu-report")
    assert result.returncode == 0, result.stderr[-3000:]
    print(result.stdout)
    report = json.loads((REPO / "results" / "nlu-heldout.json").read_text("utf-8"))
    assert set(report) == set(ENABLED)
    for lang, result in report.items():
        assert result["examples"] >= 150, lang
        # A regression floor, not the goal: see README "Understanding" for the current figures.
        assert result["accuracy"] >= 0.6, (lang, result)
        assert result["top_intent_accuracy"] >= 0.65, (lang, result)
