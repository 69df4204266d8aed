"""The repository's set-up promises: compose file, settings, commands, nothing generated committed."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
CONTRACT_VARIABLES = [
    "RASA_TOKEN", "TRACKER_DB_URL", "LOCK_STORE_URL", "SENDER_KEY", "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER", "SMS_PUBLIC_URL", "INTAKE_URL", "INTAKE_SECRET",
    "PORTAL_DB_URL", "PORTAL_DATA_KEY", "PORTAL_SESSION_SECRET", "SMTP_URL",
    "PROVIDER_EMAIL_MARTA", "PROVIDER_EMAIL_DROSA_MAJA",
]


def test_docker_compose_file_is_valid():
    compose = shutil.which("docker-compose")
    if not compose:
        pytest.fail("Debian package docker-compose is missing: apt-get install docker-compose")
    result = subprocess.run([compose, "-f", "docker-compose.yml", "config"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    assert config["services"]["rasa"]["image"] == "rasa/rasa:3.6.21"
    assert config["services"]["rasa"]["user"] == "1001"
    assert config["services"]["actions"]["build"]["dockerfile"] == "Dockerfile.actions"
    assert config["services"]["portal"]["build"]["dockerfile"] == "Dockerfile.portal"
    assert config["services"]["actions"]["environment"]["INTAKE_URL"] == "http://portal:8080/api/intakes"


def test_versions_agree_across_requirements_and_images():
    pins = dict(re.findall(r"^([a-z-]+)==([\d.]+)", (REPO / "requirements/bot.txt").read_text(), re.M))
    dockerfile = (REPO / "Dockerfile.actions").read_text()
    assert f"FROM rasa/rasa-sdk:{pins['rasa-sdk']}" in dockerfile
    assert f"rasa/rasa:{pins['rasa']}" in (REPO / "docker-compose.yml").read_text()
    assert re.search(r"^USER 1001$", dockerfile, re.M)
    assert "python-socketio==5.9.0" in (REPO / "requirements/bot.lock").read_text()


def test_env_example_documents_every_contract_variable():
    text = (REPO / ".env.example").read_text()
    defined = set(re.findall(r"^([A-Z_]+)=", text, re.M))
    assert set(CONTRACT_VARIABLES) <= defined


def test_makefile_has_the_task_index():
    result = subprocess.run(["make", "-s", "help"], cwd=REPO, capture_output=True, text=True)
    for target in ("run", "test", "train", "lint", "i18n", "bench"):
        assert re.search(rf"make {target}\b", result.stdout), target


def test_nothing_generated_is_committed():
    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True).stdout.split()
    forbidden = re.compile(r"(^|/)(\.venv|models|build|var|node_modules)/|\.(db|mo|tar\.gz|sqlite)$|^\.env$")
    assert not [f for f in files if forbidden.search(f)]
