"""`python -m bot secrets`: a fresh .env that passes the startup checks."""

import subprocess
import sys

from bot.paths import REPO_DIR
from bot.settings import ACTION_SERVER_SECRETS, RASA_SERVER_SECRETS, secret_problems
from bot.tooling.secrets import SECRETS, fresh_env


def parse(text):
    return dict(line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))


def test_the_template_is_refused_in_production_and_the_fresh_file_is_not():
    template = (REPO_DIR / ".env.example").read_text(encoding="utf-8")
    needed = set(ACTION_SERVER_SECRETS) | set(RASA_SERVER_SECRETS)
    as_production = {**parse(template), "PALIGS_ENV": "production"}
    assert len(secret_problems(needed, as_production)) == len(needed)  # positive control
    fresh = parse(fresh_env(template))
    assert fresh["PALIGS_ENV"] == "production"
    assert secret_problems(needed | set(SECRETS), fresh) == []
    assert fresh["PORTAL_DATA_KEY"].startswith("k1:")
    assert (fresh["RATE_LIMIT_PER_ADDRESS"], fresh["RATE_LIMIT_PER_CONVERSATION"]) == ("300", "30")
    assert set(parse(template)) == set(fresh)  # nothing lost, nothing added


def test_two_runs_never_share_a_secret():
    template = (REPO_DIR / ".env.example").read_text(encoding="utf-8")
    first, second = parse(fresh_env(template)), parse(fresh_env(template))
    assert all(first[name] != second[name] for name in SECRETS + ("PORTAL_DATA_KEY",))


def test_the_command_prints_it():
    run = subprocess.run([sys.executable, "-m", "bot", "secrets"], cwd=REPO_DIR, capture_output=True, text=True)
    values = parse(run.stdout)
    assert run.returncode == 0 and values["PALIGS_ENV"] == "production"
    assert not [name for name, value in values.items() if "change-me" in value]
