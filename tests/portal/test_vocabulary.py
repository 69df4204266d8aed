"""One vocabulary: every code is defined in portal/vocabulary.py, has its title
in portal/labels.py, and is used from there."""

from pathlib import Path

import pytest

from portal import intakes, labels, vocabulary
from portal.settings import Settings
from tests.portal import helpers

PORTAL = Path(__file__).resolve().parents[2] / "portal"


@pytest.mark.parametrize(
    "titles, codes",
    [
        (labels.ROLES, vocabulary.ROLES),
        (labels.PROVIDERS, vocabulary.INTAKE_PROVIDERS),
        (labels.CHANNELS, vocabulary.CHANNELS),
        (labels.AGE_GROUPS, vocabulary.AGE_GROUPS),
        (labels.LOCATIONS, vocabulary.LOCATIONS),
        (labels.ANSWERS, vocabulary.ANSWERS),
        (labels.STRENGTHS, vocabulary.STRENGTHS),
        (labels.SIGNALS, vocabulary.SIGNALS),
        (labels.INDICATOR_DIMENSIONS, vocabulary.INDICATOR_DIMENSIONS),
        (labels.CONTACT_METHODS, vocabulary.CONTACT_METHODS),
        (labels.STATUSES, vocabulary.STATUSES),
        (labels.AUDIT_ACTIONS, vocabulary.AUDIT_ACTIONS),
        (labels.FUNNEL_STEPS, vocabulary.FUNNEL_STEPS),
        (labels.CAMPAIGNS, (vocabulary.OTHER_CAMPAIGN, vocabulary.NO_CAMPAIGN)),
    ],
)
def test_every_code_has_a_title_and_every_title_a_code(titles, codes):
    assert list(titles) == list(codes)


def test_every_channel_fits_its_column():
    """The column is a plain VARCHAR validated in code (no CHECK, no Enum): a longer
    code would be refused by PostgreSQL only, so it needs a migration first."""
    from portal.models import FunnelCount, Intake

    assert max(map(len, vocabulary.CHANNELS)) <= Intake.__table__.c.channel.type.length
    assert max(map(len, vocabulary.CHANNELS)) <= FunnelCount.__table__.c.channel.type.length
    assert max(map(len, vocabulary.FUNNEL_STEPS)) <= FunnelCount.__table__.c.step.type.length


def test_the_poster_kinds_are_the_ones_the_portal_lists_first():
    from portal import posters

    assert tuple(labels.POSTER_KINDS) == posters.KNOWN_KINDS


def test_the_workflow_covers_every_status_and_each_step_has_its_button():
    assert set(intakes.TRANSITIONS) == set(vocabulary.STATUSES)
    targets = {target for targets in intakes.TRANSITIONS.values() for target in targets}
    assert targets <= set(vocabulary.STATUSES)
    assert set(labels.STATUS_ACTIONS) == targets


@pytest.mark.parametrize("addressee, reached", [("marta", ("marta",)), ("any", ("marta", "drosa_maja"))])
def test_an_intake_for_any_provider_reaches_every_provider(addressee, reached):
    assert vocabulary.providers_for(addressee) == reached


def test_each_provider_has_its_e_mail_setting(tmp_path):
    settings = Settings.from_env({
        "PORTAL_VAR_DIR": str(tmp_path), "PORTAL_DATA_KEY": helpers.key_entry("k"),
        "PROVIDER_EMAIL_MARTA": "m@marta.example.lv", "PROVIDER_EMAIL_DROSA_MAJA": "d@drosamaja.example.lv",
    })
    assert settings.provider_emails == {"marta": "m@marta.example.lv", "drosa_maja": "d@drosamaja.example.lv"}


def test_provider_codes_are_spelled_out_only_in_the_vocabulary_and_the_labels():
    allowed = {PORTAL / "vocabulary.py", PORTAL / "labels.py"}
    for path in [*PORTAL.rglob("*.py"), *PORTAL.rglob("*.html")]:
        if path in allowed or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for code in (*vocabulary.PROVIDERS, vocabulary.COORDINATOR):
            assert f'"{code}"' not in text and f"'{code}'" not in text, (path, code)
