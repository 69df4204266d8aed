"""Is a message an emergency? The safety net's decision, pure (no Rasa).

When in doubt, 112 first: a message is an emergency when
1. it holds a danger phrase anywhere ("меня заперли", "mani sit tagad");
2. the model ranks `emergency` first, or gives it at least `Thresholds.emergency`
   anywhere in its ranking;
3. the model reads a report of violence, threats or confinement (first, or at
   least `Thresholds.report`) and the text puts it in the present ("right now",
   "tagad", "сейчас", "he is hitting"): "they don't let me leave" is a report,
   "they locked me in right now" is not.
A slash payload (a button) never is: it already says what it means. Under
`nlu_fallback` the ranking below the fallback still holds the model's real
guesses, and those are what counts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence

from bot.server.danger_phrases import SafetyWords

EMERGENCY = "emergency"
FALLBACK = "nlu_fallback"
# Reports that are an emergency when they happen now.
DANGER_REPORTS = frozenset({"report_violence", "report_threats", "report_movement_restricted"})


class Reason(enum.Enum):
    DANGER_PHRASE = "danger_phrase"
    EMERGENCY_INTENT = "emergency_intent"
    REPORT_HAPPENING_NOW = "report_happening_now"


@dataclass(frozen=True)
class Thresholds:
    emergency: float = 0.25  # `emergency` anywhere in the ranking with at least this
    report: float = 0.3  # a danger report not ranked first, with at least this and a present cue

    def __post_init__(self) -> None:
        for name in ("emergency", "report"):
            if not 0.0 < getattr(self, name) <= 1.0:
                raise ValueError(f"the {name} threshold must be in (0, 1], not {getattr(self, name)!r}")


DEFAULT_THRESHOLDS = Thresholds()


def emergency_reason(
    text: str,
    ranking: Sequence[Mapping[str, Any]],
    words: SafetyWords,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
) -> Optional[Reason]:
    """Why the message is an emergency, or None. `ranking`: the model's
    [{"name", "confidence"}], in any order, the fallback's entry included or not."""
    if text.startswith("/"):
        return None
    if words.danger.found_in(text):
        return Reason.DANGER_PHRASE
    guesses = sorted(
        (g for g in ranking if g.get("name") and g["name"] != FALLBACK),
        key=lambda g: g.get("confidence") or 0.0,
        reverse=True,
    )
    if not guesses:
        return None
    top = guesses[0]["name"]

    def ranked_high(intents: frozenset, threshold: float) -> bool:
        """One of the intents first, or any of them with at least the threshold."""
        return top in intents or any(
            g["name"] in intents and (g.get("confidence") or 0.0) >= threshold for g in guesses
        )

    if ranked_high(frozenset({EMERGENCY}), thresholds.emergency):
        return Reason.EMERGENCY_INTENT
    if ranked_high(DANGER_REPORTS, thresholds.report) and words.present.found_in(text):
        return Reason.REPORT_HAPPENING_NOW
    return None
