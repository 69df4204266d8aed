"""The job-offer check (bot/data/content/job_offer.yml): red flags and the
risk they add up to, as pure functions."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Mapping, Tuple

import yaml

from bot.paths import CONTENT_DIR

QUESTION_CONTEXT = "job_offer_question"
ADVICE_CONTEXT = "job_offer_advice"
SERIOUS = 2  # a flag with this weight is a serious sign on its own
HIGH, SOME, LOW = "high", "some", "low"


@dataclass(frozen=True)
class Flag:
    id: str
    weight: int
    question: str
    advice: str
    source: str


@dataclass(frozen=True)
class OfferCheck:
    risk: str
    flagged: List[str]  # flags answered "yes", serious first
    unsure: List[str]


def assess_offer(flags: Mapping[str, Flag], answers: Mapping[str, str]) -> OfferCheck:
    """high: a serious flag, or warning signs weighing 3 or more; some: any flag; low: none.
    "Not sure" adds nothing to the risk but is named, so the person asks about it."""
    flagged = [flags[i] for i, a in answers.items() if a == "yes"]
    weight = sum(f.weight for f in flagged)
    if any(f.weight >= SERIOUS for f in flagged) or weight >= 3:
        risk = HIGH
    elif flagged:
        risk = SOME
    else:
        risk = LOW
    order = list(flags)
    flagged.sort(key=lambda f: (-f.weight, order.index(f.id)))
    return OfferCheck(
        risk=risk,
        flagged=[f.id for f in flagged],
        unsure=[i for i, a in answers.items() if a == "unsure"],
    )


def next_flag(flags: Mapping[str, Flag], answers: Mapping[str, str]) -> Tuple[int, int, str] | None:
    """(position, total, flag id) of the next question, or None when all are answered."""
    for position, flag_id in enumerate(flags, start=1):
        if flag_id not in answers:
            return position, len(flags), flag_id
    return None


def previous_flag(flags: Mapping[str, Flag], answers: Mapping[str, str]) -> str | None:
    """The last answered flag, which "back" undoes."""
    answered = [i for i in flags if i in answers]
    return answered[-1] if answered else None


def load_flags(path: Path) -> Dict[str, Flag]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    flags: Dict[str, Flag] = {}
    for item in raw["flags"]:
        flag = Flag(
            id=str(item["id"]),
            weight=int(item["weight"]),
            question=" ".join(str(item["question"]).split()),
            advice=" ".join(str(item["advice"]).split()),
            source=str(item["source"]),
        )
        if flag.id in flags:
            raise ValueError(f"duplicate job-offer flag {flag.id!r}")
        flags[flag.id] = flag
    return flags


@lru_cache(maxsize=1)
def job_offer_flags() -> Dict[str, Flag]:
    return load_flags(CONTENT_DIR / "job_offer.yml")
