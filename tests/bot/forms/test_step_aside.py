"""Every intent a form steps aside for (bot/data/forms/step_aside.yml) has a rule
that answers it while that form is active (bot/data/rules/)."""

from pathlib import Path

import pytest
import yaml

from bot.forms.step_aside import step_aside_intents
from bot.paths import BOT_DIR, FORMS_DATA_DIR, REPO_DIR

FORMS = tuple(yaml.safe_load((FORMS_DATA_DIR / "step_aside.yml").read_text(encoding="utf-8")))


def _rules():
    for path in sorted(Path(BOT_DIR / "data" / "rules").glob("*.yml")):
        yield from yaml.safe_load(path.read_text(encoding="utf-8")).get("rules") or []


def answered_while_active(form: str) -> set:
    """Intents that open a rule whose condition is `active_loop: <form>`."""
    intents = set()
    for rule in _rules():
        condition = rule.get("condition") or []
        steps = rule.get("steps") or []
        if {"active_loop": form} in condition and steps and "intent" in steps[0]:
            intents.add(steps[0]["intent"])
    return intents


def test_every_form_of_the_domain_has_its_step_aside_list():
    domain = yaml.safe_load((REPO_DIR / "domain.yml").read_text(encoding="utf-8"))
    assert set(FORMS) == set(domain["forms"])


@pytest.mark.parametrize("form", FORMS)
def test_each_step_aside_intent_has_a_rule_while_the_form_is_active(form):
    missing = step_aside_intents(form) - answered_while_active(form)
    assert not missing, f"{form} steps aside for {sorted(missing)} but no rule answers them"


@pytest.mark.parametrize("form", FORMS)
def test_step_aside_intents_are_intents_of_the_domain(form):
    domain = yaml.safe_load((REPO_DIR / "domain.yml").read_text(encoding="utf-8"))
    assert step_aside_intents(form) <= set(domain["intents"])


def test_a_rule_that_answers_inside_a_form_is_listed_as_stepping_aside():
    """The converse: a rule for an intent inside a form is useless unless the form lets go of it."""
    for form in FORMS:
        unlisted = answered_while_active(form) - step_aside_intents(form)
        assert not unlisted, (form, sorted(unlisted))
