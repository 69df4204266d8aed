"""The action server's answers checked against a validator built once.

Rasa 3.6's RemoteAction._validate_action_result calls jsonschema.validate() for
every custom-action answer, and jsonschema 4.17 first re-checks the schema
against its meta-schema each time: a profile of the Rasa process under load put
about half of all samples there. The schema never changes, so we check it once
and keep the validator; the answers are judged exactly as before (the same
schema, the same best error, the same message).

Version sync point: written against rasa 3.6.21 (requirements/bot.txt).
tests/bot/test_action_response_check.py fails if Rasa changes the method's shape.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict

from jsonschema import ValidationError, validators
from jsonschema.exceptions import best_match
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

# Rasa's own method, kept for the equivalence test.
RASA_VALIDATE = RemoteAction._validate_action_result


@lru_cache(maxsize=1)
def _validator() -> Any:
    schema = RemoteAction.action_response_format_spec()
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate_action_result(self: RemoteAction, result: Dict[str, Any]) -> bool:
    error = best_match(_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, "
        "make sure your response from the Action endpoint is valid. "
        f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
    )
    raise error


def install() -> None:
    """Idempotent; called when the Rasa server starts (bot/server/stores.py)."""
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def installed() -> bool:
    return RemoteAction._validate_action_result is validate_action_result


__all__ = ["RASA_VALIDATE", "ValidationError", "install", "installed", "validate_action_result"]
