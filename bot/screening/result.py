"""What the person hears at the end of the walkthrough, chosen from the assessment.

Shape (README.md, "Self-check"): what was seen, in their words; what it
may mean, carefully and never as a verdict; the rights that fit (or, for a
minor, the child helpline and urgency); what they can do now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List

from bot.screening.indicators import IndicatorSet
from bot.screening.scoring import (
    DIMENSIONS,
    EXPLOITATION,
    FEW,
    FORCED_LABOUR,
    STRENGTHS,
    TRAFFICKING,
    Assessment,
)

MEANING_RESPONSES = {
    TRAFFICKING: "utter_result_trafficking_signs",
    FORCED_LABOUR: "utter_result_forced_labour_signs",
    EXPLOITATION: "utter_result_exploitation_signs",
    FEW: "utter_result_few_signs",
}
RIGHTS_RESPONSES = {
    TRAFFICKING: "utter_result_rights_trafficking",
    FORCED_LABOUR: "utter_result_rights_forced_labour",
    EXPLOITATION: "utter_result_rights_exploitation",
    FEW: "utter_result_rights_general",
}

# The rights topic (bot/data/content/rights.yml) that "tell me more" opens after a result.
RIGHTS_TOPICS = {
    TRAFFICKING: "reflection_period",
    FORCED_LABOUR: "police",
    EXPLOITATION: "compensation",
    FEW: "labour_basics",
}
MINOR_RIGHTS_TOPIC = "children"


@dataclass(frozen=True)
class ResultPlan:
    seen: List[str]  # indicator ids answered "yes", strongest first
    responses: List[str]  # what follows the list of signs, in order
    rights_topic: str


def plan_result(assessment: Assessment, indicators: IndicatorSet, minor: bool) -> ResultPlan:
    strength_rank = {s: n for n, s in enumerate(STRENGTHS)}
    seen = sorted(
        assessment.seen,
        key=lambda i: (strength_rank[indicators.indicators[i].strength], list(indicators.indicators).index(i)),
    )
    responses = [MEANING_RESPONSES[assessment.signal]]
    if assessment.unsure:
        responses.append("utter_result_unsure")
    responses.append("utter_result_minor" if minor else RIGHTS_RESPONSES[assessment.signal])
    responses.append("utter_result_next")
    topic = MINOR_RIGHTS_TOPIC if minor else RIGHTS_TOPICS[assessment.signal]
    return ResultPlan(seen=seen, responses=responses, rights_topic=topic)


def assessment_record(assessment: Assessment) -> Dict[str, object]:
    """The intake's `assessment`: per-dimension result and the overall signal."""
    return {
        "signal": assessment.signal,
        "dimensions": {d: bool(assessment.dimensions[d]) for d in DIMENSIONS},
        "urgent": assessment.urgent,
    }
