"""The Delphi scoring rule (EU/ILO Delphi 2009; each indicator's dimension and
strength in bot/data/content/indicators.yml), as a pure function.

A dimension is present when its "yes" answers include at least: two strong;
or one strong and one medium or weak; or three medium; or two medium and one
weak. Weak alone never counts. "Not sure" counts as no but is reported.
The overall signal chooses what the person hears and what staff see first;
it is never a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Mapping

from bot.vocabulary import ANSWERS

DIMENSIONS = (
    "deceptive_recruitment",
    "coercive_recruitment",
    "vulnerable_recruitment",
    "exploitation",
    "coercion",
    "vulnerability",
)
RECRUITMENT = DIMENSIONS[:3]
STRENGTHS = ("strong", "medium", "weak")

TRAFFICKING = "trafficking_signs"
FORCED_LABOUR = "forced_labour_signs"
EXPLOITATION = "exploitation_signs"
FEW = "few_signs"


@dataclass(frozen=True)
class Indicator:
    id: str
    dimension: str
    strength: str


@dataclass(frozen=True)
class Assessment:
    dimensions: Dict[str, bool]
    signal: str
    urgent: bool
    seen: List[str] = field(default_factory=list)
    unsure: List[str] = field(default_factory=list)


def dimension_present(strengths: Iterable[str]) -> bool:
    """Whether the strengths of the "yes" answers in one dimension make it present."""
    counts = {s: 0 for s in STRENGTHS}
    for strength in strengths:
        counts[strength] += 1
    strong, medium, weak = counts["strong"], counts["medium"], counts["weak"]
    return (
        strong >= 2
        or (strong >= 1 and medium + weak >= 1)
        or medium >= 3
        or (medium >= 2 and weak >= 1)
    )


def _validate(indicators: Mapping[str, Indicator], answers: Mapping[str, str]) -> None:
    for indicator_id, answer in answers.items():
        if indicator_id not in indicators:
            raise ValueError(f"unknown indicator {indicator_id!r}")
        if answer not in ANSWERS:
            raise ValueError(f"answer to {indicator_id!r} must be one of {ANSWERS}, not {answer!r}")


def assess(
    indicators: Mapping[str, Indicator], answers: Mapping[str, str], minor: bool = False
) -> Assessment:
    """Score the answers given so far; unanswered indicators count as no."""
    _validate(indicators, answers)
    yes = [indicators[i] for i, a in answers.items() if a == "yes"]
    dimensions = {
        dim: dimension_present(ind.strength for ind in yes if ind.dimension == dim)
        for dim in DIMENSIONS
    }
    recruitment = any(dimensions[d] for d in RECRUITMENT)
    at_destination = dimensions["coercion"] or dimensions["vulnerability"]
    serious_yes = [ind for ind in yes if ind.strength in ("strong", "medium")]
    minor_rule = minor and any(ind.dimension in ("exploitation", "coercion") for ind in serious_yes)

    if minor_rule or (recruitment and dimensions["exploitation"] and at_destination):
        signal = TRAFFICKING
    elif dimensions["exploitation"] and at_destination:
        signal = FORCED_LABOUR
    elif serious_yes:
        signal = EXPLOITATION
    else:
        signal = FEW
    return Assessment(
        dimensions=dimensions,
        signal=signal,
        urgent=minor_rule,
        seen=[ind.id for ind in yes],
        unsure=[i for i, a in answers.items() if a == "unsure"],
    )
