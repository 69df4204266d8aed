"""Pure cores, table-driven: validation, signatures, encryption, settings,
notifications, workflow, catalogs (statistics: test_statistics.py)."""

import base64
import datetime as dt
import hashlib
import hmac

import pytest

from portal import crypto, i18n, intakes, notify, signing
from portal.settings import (
    SERVE_SECRETS,
    Settings,
    SettingsError,
    normalise_db_url,
    parse_key_ring,
    secret_problems,
)
from portal.validation import ValidationError, validate_intake
from tests.portal import helpers

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"reference": "abc12345"}, "reference: must be 8 characters of Crockford base32"),
        ({"reference": "ABCDEFGI"}, "reference: must be 8 characters of Crockford base32"),
        ({"created_on": "2026-02-30"}, "created_on: must be a real date"),
        ({"created_on": "2030-01-01"}, "created_on: is out of range"),
        ({"created_on": "23.11.2026"}, "created_on: must be a date YYYY-MM-DD"),
        ({"channel": "fax"}, "channel: must be one of web, sms, rest, whatsapp, telegram"),
        ({"provider": "police"}, "provider: must be one of marta, drosa_maja, any"),
        ({"urgent": 1}, "urgent: must be true or false"),
        ({"source": "a b"}, "source: must be a campaign tag (letters, digits, . _ -)"),
        ({"id": "not-a-uuid"}, "id: must be a UUID"),
        ({"status": "closed"}, "status: a new intake must have status new"),
        ({"needs": ["Shelter!"]}, "needs[0]: must be a lower-case id"),
        ({"indicators": [{"id": "x", "dimension": "coercion", "strength": "strong", "answer": "maybe"}]},
         "indicators[0].answer: must be one of yes, no, unsure"),
        ({"indicators": [{"id": "x", "dimension": "coercion", "strength": "strong", "answer": "yes", "note": "n"}]},
         "indicators[0].note: unknown field"),
        ({"assessment": {"signal": "few_signs", "dimensions": {"magic": True}}},
         "assessment.dimensions.magic: unknown dimension"),
        ({"contact": {"method": "pigeon", "value": "x"}},
         "contact.method: must be one of phone, sms, messenger, email"),
        ({"contact": {"method": "sms", "value": "x", "leave_message": "yes"}},
         "contact.leave_message: must be true or false"),
        ({"contact": {"method": "sms", "value": "+371\n1"}}, "contact.value: must not contain control characters"),
        ({"contact": {"method": "sms", "value": "x" * 201}}, "contact.value: must be text of 1 to 200 characters"),
        ({"consent": {"text_version": "1", "given_at": "yesterday", "language": "lv"}},
         "consent.given_at: must be an ISO 8601 date and time"),
        ({"free_text": "I am Anna"}, "free_text: unknown field"),
    ],
)
def test_validation_names_the_problem(change, problem):
    with pytest.raises(ValidationError) as caught:
        validate_intake({**helpers.intake(created_on="2026-11-20"), **change}, today=TODAY)
    assert problem in caught.value.problems


def test_a_missing_field_is_named():
    body = helpers.intake(created_on="2026-11-20")
    del body["consent"]
    with pytest.raises(ValidationError) as caught:
        validate_intake(body, today=TODAY)
    assert caught.value.problems == ["consent: required"]


def test_a_valid_intake_is_cleaned():
    clean = validate_intake(helpers.intake(created_on="2026-11-20", needs=["shelter", "shelter"], contact=None),
                            today=TODAY)
    assert clean["created_on"] == dt.date(2026, 11, 20) and clean["needs"] == ["shelter"] and clean["contact"] is None


@pytest.mark.parametrize(
    "timestamp, signature_of, now, error",
    [
        ("1000", "right", 1000, None),
        ("1000", "right", 1300, None),
        ("1000", "right", 1301, "stale timestamp"),
        ("1000", "right", 699, "stale timestamp"),
        ("1000", "other body", 1000, "bad signature"),
        ("1000", "other path", 1000, "bad signature"),
        ("1000", "other method", 1000, "bad signature"),
        (None, "right", 1000, "missing"),
        ("10e3", "right", 1000, "unix seconds"),
    ],
)
def test_signature_verification(timestamp, signature_of, now, error):
    secret, body, path = b"secret", b'{"a": 1}', "/api/intakes/K7M29QX4/withdraw"
    signed = signing.signature(
        secret, timestamp or "1000", "GET" if signature_of == "other method" else "POST",
        "/api/intakes/K7M29QX5/withdraw" if signature_of == "other path" else path,
        b"other" if signature_of == "other body" else body,
    )
    if error is None:
        assert signing.verify(secret, timestamp, signed, "POST", path, body, 300, now=now) == signed[len("sha256="):]
    else:
        with pytest.raises(signing.SignatureError, match=error):
            signing.verify(secret, timestamp, signed, "POST", path, body, 300, now=now)


def test_the_signed_message_is_documented_exactly():
    """What portal/README.md tells other senders to sign."""
    body = b'{"reference":"K7M29QX4"}'
    expected = b"1700000000\nPOST\n/api/intakes/K7M29QX4/withdraw\n" + hashlib.sha256(body).hexdigest().encode()
    assert signing.message("1700000000", "post", "/api/intakes/K7M29QX4/withdraw", body) == expected
    digest = hmac.new(b"secret", expected, hashlib.sha256).hexdigest()
    headers = signing.signed_headers(b"secret", "POST", "/api/intakes/K7M29QX4/withdraw", body, now=1_700_000_000)
    assert headers == {"X-Paligs-Timestamp": "1700000000", "X-Paligs-Signature": f"sha256={digest}"}
    # the vector the assistant's signer is checked against (tests/bot/handoff/test_outbox.py)
    golden = signing.signed_headers(b"golden-secret", "POST", "/api/intakes/K7M29QX4/withdraw", body, now=1_700_000_000)
    assert golden["X-Paligs-Signature"] == "sha256=563543179c7aa9da3de7cea4c811233c53b1469a3e7c07d0777a9981eebfed53"


def test_sealed_values_are_bound_to_their_row_and_key():
    ring = crypto.KeyRing(parse_key_ring(helpers.key_entry("a")))
    sealed = ring.seal_json({"value": "+371 2"}, "intake:1:contact")
    assert b"+371" not in sealed.blob and sealed.key_id == "a"
    assert ring.open_json(sealed, "intake:1:contact") == {"value": "+371 2"}
    with pytest.raises(crypto.DecryptionError):
        ring.open_json(sealed, "intake:2:contact")
    newer = crypto.KeyRing(parse_key_ring(helpers.key_entry("b") + "," + helpers.key_entry("a")))
    with pytest.raises(crypto.DecryptionError):
        newer.open(sealed, "intake:1:contact")  # same id "a" but another key


def test_key_ring_rotation_keeps_old_keys_readable():
    old = helpers.key_entry("old")
    ring = crypto.KeyRing(parse_key_ring(old))
    sealed = ring.seal(b"x", "c")
    both = crypto.KeyRing(parse_key_ring(helpers.key_entry("new") + "," + old))
    resealed = both.reseal(sealed, "c")
    assert resealed.key_id == "new" and both.open(resealed, "c") == b"x"


@pytest.mark.parametrize(
    "url, expected",
    [
        ("postgresql://u@h:5432/d", "postgresql+asyncpg://u@h:5432/d"),
        ("postgres://u@h/d", "postgresql+asyncpg://u@h/d"),
        ("postgresql+asyncpg://u@h/d", "postgresql+asyncpg://u@h/d"),
        ("sqlite:///var/portal.db", "sqlite+aiosqlite:///var/portal.db"),
        ("sqlite+aiosqlite:///var/portal.db", "sqlite+aiosqlite:///var/portal.db"),
    ],
)
def test_database_urls_are_normalised(url, expected):
    assert normalise_db_url(url) == expected


@pytest.mark.parametrize(
    "ring, error",
    [
        ("", "empty"),
        ("k1:" + base64.b64encode(b"short").decode(), "32 bytes"),
        ("k1:not base64!", "not valid base64"),
        ("k1:" + base64.b64encode(bytes(32)).decode() + ",k1:" + base64.b64encode(bytes(32)).decode(), "twice"),
    ],
)
def test_bad_key_rings_are_refused(ring, error):
    with pytest.raises(SettingsError, match=error):
        parse_key_ring(ring)


def test_a_bare_key_gets_an_id():
    assert parse_key_ring(base64.b64encode(bytes(32)).decode())[0][0] == "k1"


def test_settings_read_only_what_they_are_given(tmp_path):
    settings = Settings.from_env({"PALIGS_ENV": "development", "PORTAL_VAR_DIR": str(tmp_path), "INTAKE_SECRET": "s",
                                  "PORTAL_CONTACT_RETENTION_DAYS": "7", "SMTP_URL": "smtp://127.0.0.1:1025"})
    assert settings.db_url == "sqlite+aiosqlite:///var/portal.db"
    assert settings.contact_retention_days == 7 and settings.closed_retention_days == 180
    # embedded mode: local secrets generated once, private, and reused
    key_file = tmp_path / "portal-data.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    development = {"PALIGS_ENV": "development", "PORTAL_VAR_DIR": str(tmp_path)}
    assert Settings.from_env(development).data_keys == settings.data_keys
    with pytest.raises(SettingsError, match="PORTAL_IDLE_MINUTES"):
        Settings.from_env({**development, "PORTAL_IDLE_MINUTES": "soon"})


@pytest.mark.parametrize("environment", [{}, {"PALIGS_ENV": "production"}, {"PALIGS_ENV": "staging"}])
def test_outside_development_no_data_key_is_generated(tmp_path, environment):
    with pytest.raises(SettingsError, match="PORTAL_DATA_KEY is required"):
        Settings.from_env({**environment, "PORTAL_VAR_DIR": str(tmp_path)})
    assert not (tmp_path / "portal-data.key").exists()
    # positive control: with a real key, production settings load
    assert Settings.from_env({**environment, "PORTAL_DATA_KEY": helpers.key_entry("k1")}).data_keys[0][0] == "k1"


REAL = "r" * 32


@pytest.mark.parametrize(
    "env, problems",
    [
        ({"INTAKE_SECRET": REAL, "PORTAL_SESSION_SECRET": REAL, "PORTAL_DATA_KEY": REAL}, []),
        ({"INTAKE_SECRET": "", "PORTAL_SESSION_SECRET": REAL, "PORTAL_DATA_KEY": REAL}, ["INTAKE_SECRET is empty"]),
        ({"INTAKE_SECRET": REAL, "PORTAL_SESSION_SECRET": "change-me-" + REAL, "PORTAL_DATA_KEY": REAL},
         ["PORTAL_SESSION_SECRET still holds the published change-me value"]),
        ({"INTAKE_SECRET": REAL, "PORTAL_SESSION_SECRET": REAL, "PORTAL_DATA_KEY": "k1:c2hvcnQ="},
         ["PORTAL_DATA_KEY is shorter than 32 bytes"]),
        ({"PALIGS_ENV": "development"}, []),
        ({"PALIGS_ENV": "Production"}, ["INTAKE_SECRET is empty", "PORTAL_SESSION_SECRET is empty",
                                        "PORTAL_DATA_KEY is empty"]),
    ],
)
def test_secret_problems_name_each_variable(env, problems):
    assert secret_problems(SERVE_SECRETS, env) == problems


@pytest.mark.parametrize(
    "provider, expected",
    [("marta", ["m@x"]), ("drosa_maja", ["d@x"]), ("any", ["m@x", "d@x"])],
)
def test_notification_recipients(provider, expected):
    assert notify.recipients(provider, {"marta": "m@x", "drosa_maja": "d@x"}) == expected


def test_notification_has_reference_urgency_and_link_only():
    message = notify.compose("AB12CD34", True, "https://p/portal/intakes/AB12CD34", "from@x", ["to@x"])
    body = message.get_content()
    assert "AB12CD34" in message["Subject"] and "URGENT" in message["Subject"]
    assert "https://p/portal/intakes/AB12CD34" in body
    assert len(body.split()) < 30


@pytest.mark.parametrize(
    "url, target",
    [
        ("smtp://127.0.0.1:1025", ("127.0.0.1", 1025, "plain", None)),
        ("smtp+starttls://u%40x:p@mail.example:587", ("mail.example", 587, "starttls", "u@x")),
        ("smtps://mail.example", ("mail.example", 465, "ssl", None)),
    ],
)
def test_smtp_urls(url, target):
    parsed = notify.parse_smtp_url(url)
    assert (parsed.host, parsed.port, parsed.mode, parsed.username) == target


@pytest.mark.parametrize(
    "current, target, allowed",
    [
        ("new", "acknowledged", True), ("acknowledged", "in_progress", True), ("in_progress", "closed", True),
        ("new", "closed", False), ("new", "in_progress", False), ("withdrawn", "acknowledged", False),
        ("closed", "in_progress", True), ("acknowledged", "new", False),
    ],
)
def test_status_workflow(current, target, allowed):
    assert intakes.can_transition(current, target) is allowed


def test_latvian_catalog_is_complete_and_marked_as_draft():
    from babel.messages.pofile import read_po

    from portal.i18n_extract import template_catalog

    with i18n.po_path("lv").open("rb") as handle:
        catalog = read_po(handle, locale="lv")
    wanted = {(m.context, m.id) for m in template_catalog() if m.id}
    translated = {(m.context, m.id) for m in catalog if m.id and m.string and not m.fuzzy}
    assert wanted - translated == set()
    assert "DRAFT" in i18n.po_path("lv").read_text(encoding="utf-8").split("msgid")[0]


@pytest.mark.parametrize("header, language", [("en-GB,en;q=0.9", "en"), ("lv", "lv"), ("ru,de", "lv"), (None, "lv")])
def test_language_negotiation(header, language):
    assert i18n.negotiate(header) == language
