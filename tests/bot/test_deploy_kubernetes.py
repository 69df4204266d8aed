"""deploy/kubernetes/: every manifest valid offline against Kubernetes' own schemas, and what matters in
them checked against the code it runs: secrets only by reference, only the public paths at the edge,
socket.io's affinity, both purges, the Rasa values (every channel, its public URL and its secrets), HTTPS
out to Telegram's Bot API, and PostgreSQL connections within max_connections.

The validator is kubernetes-validate from the lint venv (requirements/lint.txt; `make test` builds it
through its ruff target). Without it this test fails, it never skips.
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path
from typing import Any, Dict, Iterator, List, Set, Tuple

import pytest
import yaml

from bot.handoff.outbox import engine_arguments
from bot.settings import ACTION_SERVER_SECRETS, RASA_SERVER_SECRETS, load_settings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy" / "kubernetes"
VALUES_FILE = DEPLOY / "helm" / "rasa-values.yaml"
# What `kubectl apply -f deploy/kubernetes/` takes (the values file sits apart, in helm/).
MANIFEST_FILES = sorted(DEPLOY.glob("*.yaml"))
VALIDATOR = REPO / ".venv" / "lint" / "bin" / "kubernetes-validate"
# The oldest Kubernetes the manifests claim (CronJob timeZone, PodDisruptionBudget policy/v1) and the
# newest the pinned validator knows.
KUBERNETES_VERSIONS = ("1.29.0", "1.37.0")

# The chart's release name (README, `helm upgrade --install paligs-rasa rasa/rasa`), which the chart
# uses as the Deployment's and Service's name, and its selector labels.
RELEASE = "paligs-rasa"
CHART_SELECTOR = {"app.kubernetes.io/name": "rasa", "app.kubernetes.io/instance": RELEASE}
# Top-level keys of the rasa chart's values.yaml (chart 1.17): a misspelt key is silently ignored by Helm.
CHART_KEYS = {
    "nameOverride", "fullnameOverride", "registry", "applicationSettings", "replicaCount", "networkPolicy",
    "args", "extraArgs", "command", "extraEnv", "image", "serviceAccount", "podAnnotations", "podLabels",
    "deploymentAnnotations", "deploymentLabels", "podSecurityContext", "securityContext", "service", "ingress",
    "resources", "autoscaling", "nodeSelector", "tolerations", "affinity", "strategy", "livenessProbe",
    "readinessProbe", "initContainers", "extraContainers", "volumes", "volumeMounts", "global", "postgresql",
    "redis", "rabbitmq", "nginx", "rasa-action-server", "duckling",
}

SECRETS = {"paligs-assistant", "paligs-portal"}
# Variables that hold a secret, or a URL that carries a password: only ever by secretKeyRef.
SECRET_VARIABLES = {
    "RASA_TOKEN", "SENDER_KEY", "ACTION_SERVER_SECRET", "INTAKE_SECRET", "TRACKER_DB_URL", "LOCK_STORE_URL",
    "OUTBOX_DB_URL", "PORTAL_DB_URL", "PORTAL_DATA_KEY", "PORTAL_SESSION_SECRET", "SMTP_URL",
    "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER", "TWILIO_WHATSAPP_NUMBER", "POSTGRES_PASSWORD",
    "TELEGRAM_BOT_TOKEN", "TELEGRAM_SECRET_TOKEN", "JWT_SECRET",
}
SECRET_LOOKING_NAME = re.compile(r"SECRET|TOKEN|PASSWORD|_KEY$|_KEY_|DB_URL|STORE_URL|SMTP_URL")
# Settings the manifests set that .env.example does not list: read by Rasa and Sanic themselves.
FRAMEWORK_VARIABLES = {"SQL_POOL_SIZE", "SQL_MAX_OVERFLOW", "SANIC_PROXIES_COUNT", "PYTHONPATH"}

# PostgreSQL's default max_connections, of which superuser_reserved_connections (3) are not for us.
POSTGRES_MAX_CONNECTIONS = 100
POSTGRES_RESERVED = 3
# The outbox's database as secrets.example.md writes it (test_outbox_pool_settings_apply).
OUTBOX_EXAMPLE_URL = "postgresql://paligs_outbox:<password>@postgres.example.internal:5432/outbox"
# The CronJob: `bot purge` opens the tracker store and the outbox one after the other, one connection
# each; `portal purge` works in one session.
PURGE_CONNECTIONS = 2 + 1


def documents(path: Path) -> List[Dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def resources() -> List[Dict[str, Any]]:
    return [doc for path in MANIFEST_FILES for doc in documents(path)]


def of_kind(kind: str) -> List[Dict[str, Any]]:
    return [doc for doc in resources() if doc["kind"] == kind]


def named(kind: str, name: str) -> Dict[str, Any]:
    found = [doc for doc in of_kind(kind) if doc["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


def values() -> Dict[str, Any]:
    return yaml.safe_load(VALUES_FILE.read_text(encoding="utf-8"))


def pod_spec(workload: Dict[str, Any]) -> Dict[str, Any]:
    if workload["kind"] == "CronJob":
        return workload["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return workload["spec"]["template"]["spec"]


def pod_labels(workload: Dict[str, Any]) -> Dict[str, str]:
    if workload["kind"] == "CronJob":
        return workload["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]
    return workload["spec"]["template"]["metadata"]["labels"]


def chart_resources(settings: Dict[str, Any]) -> List[Dict[str, Any]]:
    """What the rasa chart renders from these values, written after chart 1.17's deployment.yaml,
    config-map.yaml and service.yaml, for the parts our values reach: enough to validate the values'
    probes, resources, security contexts, affinity and environment like any other manifest."""
    app = settings["applicationSettings"]
    chart_env = [
        {"name": "RASA_TELEMETRY_ENABLED", "value": str(app["telemetry"]["enabled"]).lower()},
        {"name": "MPLCONFIGDIR", "value": "/tmp/.matplotlib"},
        {"name": "TF_CPP_MIN_LOG_LEVEL", "value": "2"},
        {"name": "RASA_TOKEN", "valueFrom": {"secretKeyRef": {"name": RELEASE, "key": "rasa-token"}}},
        {"name": "JWT_SECRET", "valueFrom": {"secretKeyRef": {"name": RELEASE, "key": "jwt-secret"}}},
    ]
    container = {
        "name": "rasa-oss",
        "args": settings["args"] + settings["extraArgs"],
        "image": f"{settings['image']['repository']}:{settings['image']['tag']}",
        "imagePullPolicy": settings["image"]["pullPolicy"],
        "ports": [{"name": "http", "containerPort": app["port"], "protocol": "TCP"}],
        "livenessProbe": settings["livenessProbe"],
        "readinessProbe": settings["readinessProbe"],
        "resources": settings["resources"],
        "securityContext": settings["securityContext"],
        "env": chart_env + settings["extraEnv"],
        "volumeMounts": [
            {"name": "config-dir", "mountPath": "/.config"},
            {"name": "rasa-configuration", "mountPath": "/app/endpoints.yml", "subPath": "endpoints.yml",
             "readOnly": True},
            {"name": "rasa-configuration", "mountPath": "/app/credentials.yml", "subPath": "credentials.yml",
             "readOnly": True},
        ] + settings.get("volumeMounts", []),
    }
    volumes = [
        {"name": "config-dir", "emptyDir": {}},
        {"name": "rasa-configuration", "configMap": {"name": RELEASE, "items": [
            {"key": "endpoints", "path": "endpoints.yml"}, {"key": "credentials", "path": "credentials.yml"}]}},
    ] + settings.get("volumes", [])
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": RELEASE, "namespace": "paligs", "labels": dict(CHART_SELECTOR)},
        "spec": {
            "replicas": settings["replicaCount"],
            "strategy": settings["strategy"],
            "selector": {"matchLabels": dict(CHART_SELECTOR)},
            "template": {
                "metadata": {"labels": {**CHART_SELECTOR, **settings["podLabels"]}},
                "spec": {
                    "serviceAccountName": "default",
                    "securityContext": settings["podSecurityContext"],
                    "containers": [container],
                    "volumes": volumes,
                    "affinity": settings["affinity"],
                },
            },
        },
    }
    config_map = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": RELEASE, "namespace": "paligs"},
        "data": {
            "credentials": yaml.safe_dump(app["credentials"]["additionalChannelCredentials"]),
            "endpoints": yaml.safe_dump(app["endpoints"]["additionalEndpoints"]),
        },
    }
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": RELEASE, "namespace": "paligs"},
        "spec": {
            "type": settings["service"]["type"],
            "ports": [{"port": settings["service"]["port"], "targetPort": "http", "protocol": "TCP", "name": "http"}],
            "selector": dict(CHART_SELECTOR),
        },
    }
    return [deployment, config_map, service]


def all_workloads() -> List[Dict[str, Any]]:
    """The plain manifests' workloads and the chart's Deployment."""
    return of_kind("Deployment") + of_kind("CronJob") + chart_resources(values())[:1]


def containers() -> Iterator[Tuple[str, Dict[str, Any]]]:
    for workload in all_workloads():
        for container in pod_spec(workload)["containers"]:
            yield f"{workload['metadata']['name']}/{container['name']}", container


def validate(paths: List[Path], version: str) -> subprocess.CompletedProcess:
    if not VALIDATOR.exists():
        pytest.fail(f"{VALIDATOR.relative_to(REPO)} is missing: `make .venv/lint/.installed` installs it "
                    "from requirements/lint.txt")
    return subprocess.run([str(VALIDATOR), "--strict", "-k", version, *map(str, paths)],
                          capture_output=True, text=True, timeout=300)


# --- the validator ---------------------------------------------------------------------------------------

def test_the_expected_manifests_are_there():
    kinds = sorted((doc["kind"], doc["metadata"]["name"]) for doc in resources())
    assert kinds == sorted([
        ("Namespace", "paligs"),
        ("Deployment", "paligs-actions"), ("Service", "paligs-actions"),
        ("Deployment", "paligs-portal"), ("Service", "paligs-portal"),
        ("Ingress", "paligs-chat-socketio"), ("Ingress", "paligs-chat"), ("Ingress", "paligs-portal"),
        ("CronJob", "paligs-purge"),
        ("NetworkPolicy", "default-deny-ingress"), ("NetworkPolicy", "rasa-from-ingress"),
        ("NetworkPolicy", "portal-from-ingress-and-actions"), ("NetworkPolicy", "actions-from-rasa"),
        ("PodDisruptionBudget", "paligs-rasa"), ("PodDisruptionBudget", "paligs-actions"),
    ])
    assert all(doc["metadata"].get("namespace") == "paligs" for doc in resources() if doc["kind"] != "Namespace")


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_manifest_and_the_charts_rendering_validate_strictly(version, tmp_path):
    rendered = tmp_path / "rasa-chart-rendered.yaml"
    rendered.write_text(yaml.safe_dump_all(chart_resources(values())), encoding="utf-8")
    result = validate(MANIFEST_FILES + [rendered], version)
    assert result.returncode == 0, result.stdout + result.stderr
    passed = re.findall(r"^INFO .* passed for resource ", result.stdout, re.M)
    assert len(passed) == len(resources()) + 3, result.stdout


@pytest.mark.parametrize("mistake, expected", [
    ({"replica": 2}, "'replica' was unexpected"),
    ({"replicas": "two"}, "'two' is not of type 'integer'"),
])
def test_the_validator_rejects_a_broken_deployment(tmp_path, mistake, expected):
    """Positive control: the same call fails, with the reason, on a manifest with a mistake."""
    deployment = named("Deployment", "paligs-actions")
    broken = {**deployment, "spec": {**deployment["spec"], **mistake}}
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(broken), encoding="utf-8")
    result = validate([path], KUBERNETES_VERSIONS[0])
    assert result.returncode != 0
    assert expected in result.stdout + result.stderr


# --- secrets ---------------------------------------------------------------------------------------------

def env_entries() -> Iterator[Tuple[str, Dict[str, Any]]]:
    for where, container in containers():
        for entry in container.get("env", []):
            yield where, entry


def literal_secret_problems(name: str, entry: Dict[str, Any]) -> List[str]:
    """What is wrong with one env entry as far as secrets go."""
    problems = []
    value = entry.get("value")
    if name in SECRET_VARIABLES or SECRET_LOOKING_NAME.search(name):
        if name not in SECRET_VARIABLES:
            problems.append(f"{name} looks like a secret: add it to SECRET_VARIABLES and read it from a Secret")
        ref = entry.get("valueFrom", {}).get("secretKeyRef")
        if value is not None or not ref:
            problems.append(f"{name} must come from a secretKeyRef, not a value")
    if isinstance(value, str):
        if re.search(r"://[^/@\s]*:[^/@\s]+@", value):
            problems.append(f"{name} holds a URL with a password")
        if "change-me" in value.lower():
            problems.append(f"{name} holds a change-me value")
        if re.fullmatch(r"[A-Za-z0-9+/=_-]{24,}", value) and re.search(r"\d", value) and re.search("[A-Za-z]", value):
            problems.append(f"{name} holds something that looks like a key")
    return problems


@pytest.mark.parametrize("name, entry, flagged", [
    ("SENDER_KEY", {"value": "x" * 40}, True),
    ("SENDER_KEY", {"valueFrom": {"secretKeyRef": {"name": "paligs-assistant", "key": "SENDER_KEY"}}}, False),
    ("TRACKER_DB_URL", {"value": "postgresql://paligs:hunter2@db:5432/tracker"}, True),
    ("NEW_API_TOKEN", {"valueFrom": {"secretKeyRef": {"name": "paligs-assistant", "key": "NEW_API_TOKEN"}}}, True),
    ("SOME_SETTING", {"value": "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg=="}, True),
    ("SOME_SETTING", {"value": "https://user:pass@example.org/"}, True),
    ("OMP_NUM_THREADS", {"value": "1"}, False),
    ("INTAKE_URL", {"value": "http://paligs-portal:8080/api/intakes"}, False),
])
def test_the_secret_check_itself(name, entry, flagged):
    """Positive and negative controls for the check below."""
    assert bool(literal_secret_problems(name, entry)) is flagged


def test_secrets_come_only_from_secret_references():
    problems = [f"{where}: {problem}" for where, entry in env_entries()
                for problem in literal_secret_problems(entry["name"], entry)]
    assert not problems, "\n".join(problems)
    for where, container in containers():
        for source in container.get("envFrom", []):
            assert "secretRef" in source, f"{where}: whole-environment imports only from a Secret: {source}"
    assert not of_kind("Secret"), "no Secret manifest with values: secrets.example.md shows kubectl create secret"
    everything = "\n".join(path.read_text(encoding="utf-8") for path in MANIFEST_FILES + [VALUES_FILE])
    assert "change-me" not in everything.lower()
    assert not re.search(r"://[^/@\s$]*:[^/@\s]+@", everything), "a URL with a password"
    # The chart's own Secret: empty token (it stores "UNSET"), nothing else of ours.
    assert values()["applicationSettings"]["token"] == ""


def secret_references() -> Dict[str, Dict[str, Set[str]]]:
    """Per workload: the Secret keys it reads, by Secret name."""
    found: Dict[str, Dict[str, Set[str]]] = {}
    for where, entry in env_entries():
        ref = entry.get("valueFrom", {}).get("secretKeyRef")
        if ref and ref["name"] != RELEASE:  # the chart's own Secret (RASA_TOKEN, JWT_SECRET: "UNSET")
            assert ref["name"] in SECRETS, f"{where}: unknown Secret {ref['name']}"
            assert ref["key"] == entry["name"], f"{where}: {entry['name']} read from key {ref['key']}"
            found.setdefault(where.split("/")[0], {}).setdefault(ref["name"], set()).add(ref["key"])
    return found


def portal_serve_secrets() -> Set[str]:
    tree = ast.parse((REPO / "portal" / "settings.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "SERVE_SECRETS" for t in node.targets):
            return set(ast.literal_eval(node.value))
    raise AssertionError("portal/settings.py no longer defines SERVE_SECRETS")


def secret_keys_in_the_example() -> Dict[str, Set[str]]:
    """The keys secrets.example.md's commands put into each Secret."""
    text = (DEPLOY / "secrets.example.md").read_text(encoding="utf-8")
    files = {match.group(2): set(match.group(1).split("|"))
             for match in re.finditer(r"grep -E '\^\(([A-Z0-9_|]+)\)=' \.env > (\S+)", text)}
    secrets = {match.group(1): files[match.group(2)]
               for match in re.finditer(r"create secret generic (\S+) --from-env-file=(\S+)", text)
               if match.group(2) in files}
    assert set(secrets) == SECRETS, secrets
    return secrets


@pytest.mark.parametrize("workload, needs", [
    (RELEASE, set(RASA_SERVER_SECRETS) | {"TRACKER_DB_URL", "LOCK_STORE_URL"}),
    ("paligs-actions", set(ACTION_SERVER_SECRETS) | {"OUTBOX_DB_URL"}),
    ("paligs-portal", portal_serve_secrets() | {"PORTAL_DB_URL"}),
    ("paligs-purge", {"TRACKER_DB_URL", "OUTBOX_DB_URL", "SENDER_KEY", "PORTAL_DB_URL", "PORTAL_DATA_KEY"}),
])
def test_each_process_reads_the_secrets_its_code_requires(workload, needs):
    read = set().union(*secret_references()[workload].values())
    assert needs <= read, f"{workload} lacks {sorted(needs - read)}"


def test_secrets_example_creates_every_key_the_pods_read():
    example = secret_keys_in_the_example()
    for workload, by_secret in secret_references().items():
        for secret, keys in by_secret.items():
            assert keys <= example[secret], f"{workload} reads {sorted(keys - example[secret])} from {secret}"
    assert example["paligs-assistant"] & example["paligs-portal"] == {"INTAKE_SECRET"}


def test_every_setting_is_a_documented_one():
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", (REPO / ".env.example").read_text(encoding="utf-8"), re.M))
    chart_own = {"RASA_TELEMETRY_ENABLED", "MPLCONFIGDIR", "TF_CPP_MIN_LOG_LEVEL", "JWT_SECRET"}
    unknown = {entry["name"] for _, entry in env_entries()} - documented - FRAMEWORK_VARIABLES - chart_own
    assert not unknown, f"not in .env.example: {sorted(unknown)}"


# --- the Ingress -----------------------------------------------------------------------------------------

CHAT = "chat.example.org"
PORTAL = "portal.example.org"
PUBLIC_PATHS = {
    (CHAT, "/webhooks/rest/webhook", "Exact", RELEASE, 5005),
    (CHAT, "/webhooks/sms/webhook", "Exact", RELEASE, 5005),
    (CHAT, "/webhooks/whatsapp/webhook", "Exact", RELEASE, 5005),
    (CHAT, "/webhooks/telegram/webhook", "Exact", RELEASE, 5005),
    (CHAT, "/socket.io", "Prefix", RELEASE, 5005),
    (CHAT, "/webhooks/web/chat", "Exact", RELEASE, 5005),
    (CHAT, "/webhooks/web/chat/strings.json", "Exact", RELEASE, 5005),
    (PORTAL, "/portal", "Prefix", "paligs-portal", 8080),
}
AFFINITY = {
    "nginx.ingress.kubernetes.io/affinity": "cookie",
    "nginx.ingress.kubernetes.io/affinity-mode": "persistent",
    "nginx.ingress.kubernetes.io/session-cookie-path": "/socket.io",
    "nginx.ingress.kubernetes.io/session-cookie-secure": "true",
}


def web_chat_assets() -> Set[Tuple[str, str, str, str, int]]:
    from bot.web.page import STATIC_FILES

    return {(CHAT, f"/webhooks/web/chat/static/{name}", "Exact", RELEASE, 5005) for name in STATIC_FILES}


def routes(ingress: Dict[str, Any]) -> Set[Tuple[str, str, str, str, int]]:
    return {
        (rule["host"], path["path"], path["pathType"], path["backend"]["service"]["name"],
         path["backend"]["service"]["port"]["number"])
        for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]
    }


def test_the_ingress_forwards_only_the_public_paths():
    forwarded = set().union(*(routes(ingress) for ingress in of_kind("Ingress")))
    assert len(web_chat_assets()) == 3
    assert forwarded == PUBLIC_PATHS | web_chat_assets()


def test_every_backend_is_a_service_of_this_deployment():
    services = {(doc["metadata"]["name"], port["port"]) for doc in of_kind("Service") for port in doc["spec"]["ports"]}
    services.add((RELEASE, values()["service"]["port"]))
    for ingress in of_kind("Ingress"):
        for _, _, _, name, port in routes(ingress):
            assert (name, port) in services, f"{ingress['metadata']['name']}: no Service {name}:{port}"


@pytest.mark.parametrize("annotation, expected", sorted(AFFINITY.items()))
def test_socketio_has_cookie_affinity(annotation, expected):
    with_socketio = [ing for ing in of_kind("Ingress") if any(r[1] == "/socket.io" for r in routes(ing))]
    assert len(with_socketio) == 1
    assert with_socketio[0]["metadata"]["annotations"].get(annotation) == expected


def test_no_affinity_cookie_on_the_other_paths():
    for ingress in of_kind("Ingress"):
        if all(route[1] != "/socket.io" for route in routes(ingress)):
            annotations = ingress["metadata"].get("annotations", {})
            assert "nginx.ingress.kubernetes.io/affinity" not in annotations, ingress["metadata"]["name"]


@pytest.mark.parametrize("name", ["paligs-chat-socketio", "paligs-chat", "paligs-portal"])
def test_each_ingress_has_tls_a_body_limit_and_the_nginx_class(name):
    ingress = named("Ingress", name)
    hosts = {rule["host"] for rule in ingress["spec"]["rules"]}
    covered = {host for tls in ingress["spec"]["tls"] if tls.get("secretName") for host in tls["hosts"]}
    assert hosts <= covered
    assert ingress["spec"]["ingressClassName"] == "nginx"
    size = ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"]
    assert re.fullmatch(r"\d+k", size) and int(size[:-1]) <= 64


# The channels' webhooks: the setting naming each one's outside URL (what Twilio signs, what `python -m bot
# telegram set-webhook` registers) and the channel class credentials.yml turns on.
CHANNELS = {
    "/webhooks/sms/webhook": ("SMS_PUBLIC_URL", "bot.server.channels.sms.SmsInput"),
    "/webhooks/whatsapp/webhook": ("WHATSAPP_PUBLIC_URL", "bot.server.channels.whatsapp.WhatsAppInput"),
    "/webhooks/telegram/webhook": ("TELEGRAM_PUBLIC_URL", "bot.server.channels.telegram.TelegramInput"),
}


@pytest.mark.parametrize("path", sorted(CHANNELS))
def test_each_channels_webhook_is_forwarded_configured_and_named_by_its_public_url(path):
    setting, channel = CHANNELS[path]
    forwarded = set().union(*(routes(ingress) for ingress in of_kind("Ingress")))
    assert (CHAT, path, "Exact", RELEASE, 5005) in forwarded
    assert channel in values()["applicationSettings"]["credentials"]["additionalChannelCredentials"]
    assert extra_env()[setting] == {"name": setting, "value": f"https://{CHAT}{path}"}


def test_the_telegram_secret_header_is_not_touched_at_the_edge():
    """ingress-nginx passes request headers on; nothing here may set or clear Telegram's."""
    for ingress in of_kind("Ingress"):
        for name, value in ingress["metadata"].get("annotations", {}).items():
            assert "snippet" not in name and "proxy-set-headers" not in name, (ingress["metadata"]["name"], name)
            assert "telegram" not in str(value).lower(), (ingress["metadata"]["name"], name)


@pytest.mark.parametrize("workload, secret_keys", [
    (RELEASE, {"TWILIO_AUTH_TOKEN", "TWILIO_WHATSAPP_NUMBER", "TELEGRAM_BOT_TOKEN", "TELEGRAM_SECRET_TOKEN"}),
    # `bot purge` clears the Telegram ledger only when the token is set
    ("paligs-purge", {"TELEGRAM_BOT_TOKEN"}),
])
def test_the_channels_secrets_are_read_from_the_assistants_secret_and_optional(workload, secret_keys):
    """Optional, like Twilio's: a channel without its keys answers 503, the pod still starts."""
    assert secret_keys <= secret_references()[workload]["paligs-assistant"]
    for where, entry in env_entries():
        if where.split("/")[0] == workload and entry["name"] in secret_keys:
            assert entry["valueFrom"]["secretKeyRef"].get("optional") is True, (where, entry["name"])


# --- the purge -------------------------------------------------------------------------------------------

def test_the_cronjob_runs_both_purges_in_the_images_that_hold_them():
    cronjob = named("CronJob", "paligs-purge")
    commands = {tuple(c["command"] + c.get("args", [])): c["image"] for c in pod_spec(cronjob)["containers"]}
    images = {name: pod_spec(named("Deployment", name))["containers"][0]["image"]
              for name in ("paligs-actions", "paligs-portal")}
    assert commands == {
        ("python", "-m", "bot", "purge"): images["paligs-actions"],
        ("python", "-m", "portal", "purge"): images["paligs-portal"],
    }
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    assert re.fullmatch(r"\d+ \d+ \* \* \*", cronjob["spec"]["schedule"]), "daily"


def test_the_purge_commands_exist():
    from bot.__main__ import parser

    assert parser().parse_args(["purge"]).command == "purge"
    assert re.search(r'add_parser\("purge"', (REPO / "portal" / "cli.py").read_text(encoding="utf-8"))
    assert '"purge": cmd_purge' in (REPO / "portal" / "cli.py").read_text(encoding="utf-8")


# --- the Rasa values -------------------------------------------------------------------------------------

def extra_env() -> Dict[str, Dict[str, Any]]:
    return {entry["name"]: entry for entry in values()["extraEnv"]}


def test_values_use_only_keys_the_chart_has():
    assert set(values()) <= CHART_KEYS, sorted(set(values()) - CHART_KEYS)


@pytest.mark.parametrize("name, expected", [
    ("OMP_NUM_THREADS", "1"),
    ("ENCODER_THREADS", "1"),
    ("PALIGS_ENV", "production"),
    ("ACTION_ENDPOINT_URL", "http://paligs-actions:5055/webhook"),
    ("SANIC_PROXIES_COUNT", "1"),
])
def test_rasa_settings(name, expected):
    assert extra_env()[name].get("value") == expected


def test_rasa_runs_without_the_http_api_and_without_cors():
    settings = values()
    assert settings["applicationSettings"]["enableAPI"] is False
    # Our args replace the chart's default command line, which adds --enable-api and --cors "*".
    assert settings["args"][0] == "run"
    command_line = settings["args"] + settings["extraArgs"] + settings.get("command", [])
    assert "--enable-api" not in command_line
    assert "--cors" not in command_line
    assert not re.search(r"^\s*- *--enable-api", VALUES_FILE.read_text(encoding="utf-8"), re.M)


def test_rasa_replicas_image_and_memory():
    settings = values()
    assert settings["replicaCount"] >= 2
    assert settings["image"]["repository"] and "docker.io/rasa" not in settings["image"]["repository"]
    assert settings["resources"]["limits"]["memory"] == "1536Mi"
    assert settings["resources"]["requests"]["memory"] == "1Gi"  # above the ~900 MiB a warm replica holds
    tags = {settings["image"]["tag"]} | {
        pod_spec(workload)["containers"][0]["image"].rsplit(":", 1)[1] for workload in of_kind("Deployment")}
    assert len(tags) == 1, f"one release tag for all images, got {tags}"


def test_rasa_endpoints_and_credentials_are_the_repositorys():
    app = values()["applicationSettings"]
    endpoints = yaml.safe_load((REPO / "endpoints.yml").read_text(encoding="utf-8"))
    credentials = yaml.safe_load((REPO / "credentials.yml").read_text(encoding="utf-8"))
    assert app["endpoints"]["additionalEndpoints"] == endpoints
    assert app["credentials"]["additionalChannelCredentials"] == credentials
    for chart_endpoint in ("models", "trackerStore", "lockStore", "eventBroker"):
        assert app["endpoints"][chart_endpoint]["enabled"] is False, chart_endpoint
    assert app["initialModel"] == "" and app["trainInitialModel"] is False
    for subchart in ("postgresql", "redis", "rabbitmq", "rasa-action-server", "duckling"):
        assert values()[subchart]["install"] is False, subchart


def test_rasa_loads_the_model_the_image_holds():
    args = values()["args"]
    model = args[args.index("--model") + 1]
    dockerfile = (DEPLOY / "Dockerfile.rasa-project").read_text(encoding="utf-8")
    assert re.search(rf"^COPY models/paligs\.tar\.gz {re.escape(model)}$", dockerfile, re.M)
    assert re.search(r"^FROM \$\{RUNTIME\}$", dockerfile, re.M)
    assert args[args.index("--credentials") + 1] == "/app/credentials.yml"  # where the chart mounts them
    assert args[args.index("--endpoints") + 1] == "/app/endpoints.yml"


# --- NetworkPolicies -------------------------------------------------------------------------------------

INGRESS_CONTROLLER = {
    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}},
    "podSelector": {"matchLabels": {"app.kubernetes.io/name": "ingress-nginx"}},
}


def component(name: str) -> Dict[str, Any]:
    return {"podSelector": {"matchLabels": {"app.kubernetes.io/part-of": "paligs",
                                            "app.kubernetes.io/component": name}}}


def allows_https_out(policy: Dict[str, Any]) -> bool:
    """Whether an egress policy lets its pods open TCP 443 to any address (Telegram's are not fixed)."""
    for rule in policy["spec"].get("egress", []):
        anywhere = not rule.get("to") or any(
            peer.get("ipBlock", {}).get("cidr") == "0.0.0.0/0" for peer in rule["to"])
        https = not rule.get("ports") or any(
            port.get("protocol", "TCP") == "TCP" and port.get("port") in (443, "https") for port in rule["ports"])
        if anywhere and https:
            return True
    return False


@pytest.mark.parametrize("policy, allowed", [
    ({"spec": {"policyTypes": ["Egress"]}}, False),  # deny all
    ({"spec": {"egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}], "ports": [{"port": 443}]}]}}, False),
    ({"spec": {"egress": [{"ports": [{"protocol": "TCP", "port": 5432}]}]}}, False),
    ({"spec": {"egress": [{"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"protocol": "TCP", "port": 443}]}]}},
     True),
    ({"spec": {"egress": [{}]}}, True),  # allow all
])
def test_the_https_out_check_itself(policy, allowed):
    assert allows_https_out(policy) is allowed


def test_rasa_may_call_telegrams_bot_api():
    """The Telegram channel answers over HTTPS to api.telegram.org. Every NetworkPolicy that restricts the
    Rasa pods' egress (none today: they are ingress-only) must let TCP 443 out."""
    rasa = pod_labels(chart_resources(values())[0])
    restricting = [p for p in of_kind("NetworkPolicy") if "Egress" in p["spec"].get("policyTypes", [])
                   and p["spec"]["podSelector"].get("matchLabels", {}).items() <= rasa.items()]
    for policy in restricting:
        assert allows_https_out(policy), policy["metadata"]["name"]
    assert values()["networkPolicy"]["enabled"] is False  # the chart's own policies would not allow it


def test_every_pod_is_isolated_by_default():
    deny = named("NetworkPolicy", "default-deny-ingress")["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress"]}


@pytest.mark.parametrize("target, sources, port", [
    ("rasa", [INGRESS_CONTROLLER], 5005),
    ("portal", [INGRESS_CONTROLLER, component("actions")], 8080),
    ("actions", [component("rasa")], 5055),
])
def test_who_may_reach_whom(target, sources, port):
    policies = [p for p in of_kind("NetworkPolicy")
                if p["spec"]["podSelector"] == component(target)["podSelector"]]
    assert len(policies) == 1, target
    rules = policies[0]["spec"]["ingress"]
    assert [peer for rule in rules for peer in rule["from"]] == sources
    assert all(rule["ports"] == [{"protocol": "TCP", "port": port}] for rule in rules)


@pytest.mark.parametrize("target, workload, port", [
    ("rasa", RELEASE, 5005),
    ("portal", "paligs-portal", 8080),
    ("actions", "paligs-actions", 5055),
])
def test_the_policies_select_the_pods_they_mean(target, workload, port):
    """The labels the policies match are the pods' (the chart's Deployment gets them from podLabels)."""
    pods = [w for w in all_workloads() if w["metadata"]["name"] == workload]
    assert len(pods) == 1
    selector = component(target)["podSelector"]["matchLabels"]
    assert selector.items() <= pod_labels(pods[0]).items()
    assert pod_spec(pods[0])["containers"][0]["ports"][0]["containerPort"] == port
    selected = [w["metadata"]["name"] for w in all_workloads() if selector.items() <= pod_labels(w).items()]
    assert selected == [workload]


# --- PostgreSQL connections ------------------------------------------------------------------------------

def pool_keywords(path: Path, function: str) -> Dict[str, int]:
    """The pool_size / max_overflow a module passes to SQLAlchemy's engine factory."""
    calls = [node for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == function]
    pooled = [{k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg in ("pool_size", "max_overflow")}
              for call in calls]
    assert pooled, f"{path.relative_to(REPO)} no longer calls {function}"
    return max(pooled, key=lambda keywords: sum(keywords.values()))


def surge(workload: Dict[str, Any]) -> int:
    return int(workload["spec"]["strategy"]["rollingUpdate"]["maxSurge"])


def connection_budget() -> Dict[str, int]:
    """The most connections each part can hold at once, rolling updates included (one extra pod each)."""
    settings = values()
    env = extra_env()
    rasa_pool = int(env["SQL_POOL_SIZE"]["value"]) + int(env["SQL_MAX_OVERFLOW"]["value"])
    rasa_pods = settings["replicaCount"] + int(settings["strategy"]["rollingUpdate"]["maxSurge"])

    # The action server's settings as the manifest gives them (defaults for what it leaves out), and the
    # engine arguments the outbox makes of them for its PostgreSQL URL.
    actions = named("Deployment", "paligs-actions")
    actions_pods = actions["spec"]["replicas"] + surge(actions)
    given = {entry["name"]: entry["value"] for entry in pod_spec(actions)["containers"][0]["env"] if "value" in entry}
    action_settings = load_settings(given)
    outbox = engine_arguments(OUTBOX_EXAMPLE_URL, action_settings.outbox_pool_size,
                              action_settings.outbox_max_overflow)

    portal_pool = pool_keywords(REPO / "portal" / "db.py", "create_async_engine")
    portal = named("Deployment", "paligs-portal")
    portal_pods = portal["spec"]["replicas"] + surge(portal)
    return {
        "rasa": rasa_pods * rasa_pool,
        "actions": actions_pods * (outbox["pool_size"] + outbox["max_overflow"]),
        "portal": portal_pods * (portal_pool["pool_size"] + portal_pool["max_overflow"]),
        "purge": PURGE_CONNECTIONS,
    }


def test_rasa_pool_settings_apply():
    """Rasa applies SQL_POOL_SIZE / SQL_MAX_OVERFLOW only to the plain postgresql:// driver name: the
    example says so, and the per-replica pool is small."""
    env = extra_env()
    assert int(env["SQL_POOL_SIZE"]["value"]) + int(env["SQL_MAX_OVERFLOW"]["value"]) <= 10
    assert "TRACKER_DB_URL=postgresql://" in (DEPLOY / "secrets.example.md").read_text(encoding="utf-8")


def test_outbox_pool_settings_apply():
    """The manifest sizes the outbox's pool, and the outbox applies it to the PostgreSQL URL of the
    example: the budget below counts what the code really opens."""
    given = {entry["name"] for entry in pod_spec(named("Deployment", "paligs-actions"))["containers"][0]["env"]}
    assert {"OUTBOX_POOL_SIZE", "OUTBOX_MAX_OVERFLOW"} <= given
    assert f"OUTBOX_DB_URL={OUTBOX_EXAMPLE_URL}" in (DEPLOY / "secrets.example.md").read_text(encoding="utf-8")


def test_postgresql_connections_fit_max_connections():
    budget = connection_budget()
    total = sum(budget.values())
    available = POSTGRES_MAX_CONNECTIONS - POSTGRES_RESERVED
    assert total <= available, budget
    # How far Rasa can grow with the rest as it is (its pods are replicas + the rolling update's surge).
    settings = values()
    rasa_pods = settings["replicaCount"] + int(settings["strategy"]["rollingUpdate"]["maxSurge"])
    rasa_pool = budget["rasa"] // rasa_pods
    most_replicas = (available - total + budget["rasa"]) // rasa_pool - (rasa_pods - settings["replicaCount"])
    def words(path: Path) -> str:
        return " ".join(path.read_text(encoding="utf-8").split())

    deploy_readme = words(DEPLOY / "README.md")
    for part, connections in budget.items():
        assert f"| {connections} |" in deploy_readme, f"the {part} row is not {connections}"
    assert f"{available - total} left for" in deploy_readme
    statements = [f"{total} of max_connections {POSTGRES_MAX_CONNECTIONS}",
                  f"Rasa can grow to {most_replicas} replicas"]
    for readme in (DEPLOY / "README.md", REPO / "README.md"):
        for statement in statements:
            assert statement in words(readme), f"{readme.relative_to(REPO)}: '{statement}'"
