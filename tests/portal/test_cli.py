"""`python -m portal` commands, as an operator runs them (subprocesses)."""

import json
import re

import httpx
import pytest
from sqlalchemy import select

from portal.models import Intake
from tests.portal import helpers


@pytest.fixture
def cli_env(tmp_path):
    db_url = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    return helpers.Server("", db_url, helpers.server_env(db_url, tmp_path), None, tmp_path / "x.log", "sqlite")


def test_help_lists_the_commands(cli_env):
    result = cli_env.cli("--help")
    assert result.returncode == 0
    for command in ("serve", "db", "users", "keys", "intakes", "purge", "stats"):
        assert command in result.stdout


def test_users_add_prints_a_one_time_link_and_no_secret(cli_env):
    assert cli_env.cli("db", "upgrade").returncode == 0
    result = cli_env.cli("users", "add", "--email", "Anna@Marta.example.lv", "--provider", "marta", "--role", "admin")
    assert result.returncode == 0, result.stderr
    assert re.search(r"https://portal\.example\.lv/portal/enrol/[A-Za-z0-9_-]{40,}", result.stdout)
    assert "otpauth://" not in result.stdout and "password (shown once)" not in result.stdout
    assert "--password-stdin" not in cli_env.cli("users", "add", "--help").stdout
    again = cli_env.cli("users", "add", "--email", "anna@marta.example.lv", "--provider", "marta", "--role", "staff")
    assert again.returncode == 1
    bad = cli_env.cli("users", "add", "--email", "x@y.lv", "--role", "staff")  # staff need a provider
    assert bad.returncode == 2
    listing = cli_env.cli("users", "list").stdout
    assert "anna@marta.example.lv\tadmin\tmarta\tactive" in listing
    relinked = cli_env.cli("users", "link", "--email", "anna@marta.example.lv")
    assert relinked.returncode == 0 and "/portal/enrol/" in relinked.stdout
    assert cli_env.cli("users", "link", "--email", "nobody@marta.example.lv").returncode == 1


def test_export_purge_stats_and_key_rotation(cli_env):
    with helpers.running_server(cli_env.db_url, cli_env.log.parent, "sqlite",
                                PORTAL_DATA_KEY=cli_env.env["PORTAL_DATA_KEY"],
                                PORTAL_SESSION_SECRET=cli_env.env["PORTAL_SESSION_SECRET"]) as server:
        bodies = [helpers.intake(), helpers.intake(provider="drosa_maja", contact=None)]
        for body in bodies:
            assert helpers.send(server.base_url, body).status_code == 201

    exported = cli_env.cli("intakes", "export", "--format", "json")
    assert exported.returncode == 0, exported.stderr
    data = json.loads(exported.stdout)
    assert {item["reference"] for item in data} == {b["reference"] for b in bodies}
    assert "+371" not in exported.stdout and all("contact" not in item for item in data)
    only_drosa = json.loads(cli_env.cli("intakes", "export", "--format", "json", "--provider", "drosa_maja").stdout)
    assert [item["reference"] for item in only_drosa] == [bodies[1]["reference"]]

    # as the Statistics page publishes them: a total of 2 is hidden as x, its one channel as <5
    stats = json.loads(cli_env.cli("stats", "--format", "json").stdout)
    assert stats["total"] == "x" and stats["channel"] == {"web": "<5"} and stats["withheld"] == []
    assert cli_env.cli("stats", "--format", "csv").stdout.startswith("dimension,key,count\ntotal,all,x\n")
    assert "total: x" in cli_env.cli("stats").stdout

    # rotation: a new key first, the old one kept for reading
    old = cli_env.env["PORTAL_DATA_KEY"]
    ring = f"{helpers.key_entry('test2')},{old}"
    rotated = cli_env.cli("keys", "rotate", extra_env={"PORTAL_DATA_KEY": ring})
    assert rotated.returncode == 0 and "contacts 1" in rotated.stdout, rotated.stdout + rotated.stderr

    async def key_ids(session):
        return (await session.scalars(select(Intake.contact_key_id).where(Intake.contact_key_id.is_not(None)))).all()

    assert helpers.run(key_ids, cli_env.db_url) == ["test2"]
    # the old key alone can no longer read it; the new ring can
    from portal import intakes
    from portal.crypto import DecryptionError, KeyRing
    from portal.settings import parse_key_ring

    async def contact_with(session, ring_text):
        row = await session.scalar(select(Intake).where(Intake.reference == bodies[0]["reference"]))
        return intakes.contact(KeyRing(parse_key_ring(ring_text)), row)

    assert helpers.run(lambda s: contact_with(s, ring), cli_env.db_url)["value"] == "+371 20000001"
    with pytest.raises(DecryptionError):
        helpers.run(lambda s: contact_with(s, old), cli_env.db_url)

    assert "contact details erased: 0; intakes deleted: 0" in cli_env.cli("purge").stdout


def test_configuration_errors_are_clear(cli_env):
    result = cli_env.cli("purge", extra_env={"PORTAL_DATA_KEY": "k1:c2hvcnQ="})
    assert result.returncode == 2 and "must be 32 bytes" in result.stderr
    result = cli_env.cli("purge", extra_env={"PORTAL_DB_URL": "mysql://x"})
    assert result.returncode == 2 and "PORTAL_DB_URL" in result.stderr


@pytest.mark.parametrize("variable", ["INTAKE_SECRET", "PORTAL_SESSION_SECRET", "PORTAL_DATA_KEY"])
def test_serve_refuses_a_change_me_secret_outside_development(cli_env, variable):
    weak = {variable: "change-me-" + "x" * 40, "PALIGS_ENV": "production"}
    result = cli_env.cli("serve", "--port", str(helpers.free_port()), extra_env=weak)
    assert result.returncode != 0 and variable in result.stderr and "change-me" in result.stderr
    # PALIGS_ENV unset counts as production
    unset = {key: value for key, value in cli_env.env.items() if key != "PALIGS_ENV"}
    result = helpers.Server("", cli_env.db_url, {**unset, variable: ""}, None, cli_env.log, "sqlite").cli(
        "serve", "--port", str(helpers.free_port()))
    assert result.returncode != 0 and variable in result.stderr


def test_serve_starts_with_real_secrets_in_production(cli_env):
    """The positive control: the same command with real secrets serves."""
    with helpers.running_server(cli_env.db_url, cli_env.log.parent, "sqlite",
                                PALIGS_ENV="production") as server:
        assert httpx.get(server.base_url + "/health").status_code == 200


def test_outside_development_the_data_key_is_required(cli_env):
    result = cli_env.cli("purge", extra_env={"PORTAL_DATA_KEY": "", "PALIGS_ENV": "production"})
    assert result.returncode == 2 and "PORTAL_DATA_KEY is required" in result.stderr
    assert not (cli_env.log.parent / "portal-data.key").exists()
