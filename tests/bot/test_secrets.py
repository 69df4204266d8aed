"""The startup check of secrets, table-driven."""

import pytest

from bot.settings import SecretsError, require_real_secrets, secret_problems

REAL = "k" * 32


@pytest.mark.parametrize(
    "env, problem",
    [
        ({"PALIGS_ENV": "production", "SENDER_KEY": REAL}, None),
        ({"SENDER_KEY": REAL}, None),  # unset counts as production, and this one is fine
        ({"PALIGS_ENV": "production", "SENDER_KEY": ""}, "SENDER_KEY is empty"),
        ({"PALIGS_ENV": "production"}, "SENDER_KEY is empty"),
        ({"PALIGS_ENV": "production", "SENDER_KEY": "change-me-local-sender-key-0123456789"}, "change-me"),
        ({"PALIGS_ENV": "production", "SENDER_KEY": "CHANGE-ME" + REAL}, "change-me"),
        ({"PALIGS_ENV": "production", "SENDER_KEY": "k" * 31}, "shorter than 32 bytes"),
        ({"PALIGS_ENV": "production", "SENDER_KEY": "ā" * 16}, None),  # 32 bytes in UTF-8
        ({"PALIGS_ENV": "development", "SENDER_KEY": "change-me"}, None),
        ({"PALIGS_ENV": " Development ", "SENDER_KEY": ""}, None),
        ({"PALIGS_ENV": "staging", "SENDER_KEY": "change-me"}, "change-me"),
    ],
)
def test_secret_problems(env, problem):
    found = secret_problems(["SENDER_KEY"], env)
    if problem is None:
        assert found == []
    else:
        assert len(found) == 1 and "SENDER_KEY" in found[0] and problem in found[0]


def test_the_refusal_names_every_variable():
    with pytest.raises(SecretsError) as refused:
        require_real_secrets(["SENDER_KEY", "INTAKE_SECRET"], {"INTAKE_SECRET": "change-me", "SENDER_KEY": ""})
    assert "SENDER_KEY is empty" in str(refused.value) and "INTAKE_SECRET" in str(refused.value)
