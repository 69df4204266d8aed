"""The indicator data (bot/data/content/indicators.yml) and the questions per sector."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple, Union

import yaml

from bot.paths import CONTENT_DIR
from bot.screening.scoring import Indicator

QUESTION_CONTEXT = "indicator_question"
RESULT_CONTEXT = "indicator_result"
ACKNOWLEDGEMENT_CONTEXT = "indicator_acknowledgement"


@dataclass(frozen=True)
class IndicatorSpec:
    id: str
    dimension: str
    strength: str
    sectors: Union[str, Tuple[str, ...]]
    question: str
    result: str
    staff_label: str
    source: str
    # The report_* intent that means "yes" to this indicator, and what the
    # assistant says back when someone reports it in their own words.
    reported_by: Optional[str] = None
    acknowledgement: Optional[str] = None

    def scoring(self) -> Indicator:
        return Indicator(self.id, self.dimension, self.strength)


@dataclass(frozen=True)
class IndicatorSet:
    sectors: Tuple[str, ...]
    indicators: Dict[str, IndicatorSpec]

    def for_sector(self, sector: str) -> List[IndicatorSpec]:
        """The questions for one sector, general ones first, in file order."""
        general = [i for i in self.indicators.values() if i.sectors == "all"]
        specific = [i for i in self.indicators.values() if i.sectors != "all" and sector in i.sectors]
        return general + specific

    def scoring(self) -> Dict[str, Indicator]:
        return {i.id: i.scoring() for i in self.indicators.values()}

    def reported_by(self, intent: str) -> Optional[IndicatorSpec]:
        """The indicator a report_* intent answers with "yes", if any."""
        return next((i for i in self.indicators.values() if i.reported_by == intent), None)


def load_indicators(path: Path) -> IndicatorSet:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    indicators: Dict[str, IndicatorSpec] = {}
    for item in raw["indicators"]:
        sectors = item["sectors"] if item["sectors"] == "all" else tuple(item["sectors"])
        spec = IndicatorSpec(**{**item, "sectors": sectors})
        if spec.id in indicators:
            raise ValueError(f"duplicate indicator id {spec.id!r}")
        indicators[spec.id] = spec
    return IndicatorSet(sectors=tuple(raw["sectors"]), indicators=indicators)


@lru_cache(maxsize=1)
def indicator_set() -> IndicatorSet:
    return load_indicators(CONTENT_DIR / "indicators.yml")
