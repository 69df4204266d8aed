"""Held-out NLU report: how well the assistant understands each language.

`python -m bot nlu-report` trains on 80 % of every language's examples and
parses the other 20 % through the whole pipeline (classifier, fallback and the
emergency safety net), then, per language:

- emergency recall and precision first: a missed emergency is the worst miss;
- accuracy as the person experiences it (a wrong intent and "not understood"
  are both misses) and the classifier's top intent alone;
- leave-one-language-out: trained without that language's examples at all,
  tested on the same held-out 20 %, so a new language's standing is known
  before its data exists.

`--check` exits non-zero when a figure is below its floor (make test runs it);
figures below their goal are printed either way.
Writes results/nlu-heldout.json.
"""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from bot.language.registry import registry
from bot.paths import BOT_DIR, BUILD_DOMAIN_DIR, BUILD_NLU_DIR, REPO_DIR

SEED = 2026
FALLBACK = "nlu_fallback"
EMERGENCY = "emergency"


@dataclass(frozen=True)
class Goals:
    accuracy: float = 0.90
    emergency_recall: float = 0.98
    emergency_precision: float = 0.90
    leave_one_language_out: float = 0.80


GOALS = Goals()
# What make test refuses to fall below. lv, en and ru: the goals, but for Latvian left out, which
# is not reached yet (73.7 % on 2026-12-01, accents put back, button titles teaching; the README
# says why) and is held under that.
FIRST_LANGUAGES_FLOORS = {"lv": Goals(leave_one_language_out=0.70), "en": GOALS, "ru": GOALS}
# The eight languages added on 2026-11-30 (draft data, about 850-920 examples each; held-out sets
# of about 170 messages and 13-15 emergencies): emergency recall at its goal, accuracy held under
# its first figures (79-92 %) until their data grows, and precision under today's (87-100 %, since
# everyday words were told apart from emergencies) by one message of slack.
FLOORS = Goals(accuracy=0.75, emergency_precision=0.80, leave_one_language_out=0.65)


@dataclass(frozen=True)
class Prediction:
    expected: str
    got: str  # after the fallback and the safety net
    top: str  # the classifier's best intent, before the fallback
    confidence: float
    text: str = ""


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 1.0


def language_scores(predictions: Sequence[Prediction]) -> Dict[str, object]:
    total = len(predictions)
    emergencies = [p for p in predictions if p.expected == EMERGENCY]
    flagged = [p for p in predictions if p.got == EMERGENCY]
    misses = Counter(f"{p.expected} -> {p.got}" for p in predictions if p.got != p.expected)
    return {
        "examples": total,
        "emergency_examples": len(emergencies),
        "emergency_recall": _ratio(sum(p.got == EMERGENCY for p in emergencies), len(emergencies)),
        "emergency_precision": _ratio(sum(p.expected == EMERGENCY for p in flagged), len(flagged)),
        "accuracy": _ratio(sum(p.got == p.expected for p in predictions), total),
        "top_intent_accuracy": _ratio(sum(p.top == p.expected for p in predictions), total),
        "fallback_rate": _ratio(sum(p.got == FALLBACK for p in predictions), total),
        "missed_emergencies": sorted(f"{p.text} -> {p.got}" for p in emergencies if p.got != EMERGENCY),
        "false_emergencies": sorted(f"{p.text} ({p.expected})" for p in flagged if p.expected != EMERGENCY),
        "top_confusions": misses.most_common(8),
    }


def shortfalls(
    report: Dict[str, dict], goals: Goals = GOALS, by_language: Optional[Dict[str, Goals]] = None
) -> List[str]:
    """Every figure below its goal (a language's own in `by_language`), as a line a person can read."""
    problems = []
    for lang, scores in report.items():
        goals_here = (by_language or {}).get(lang, goals)
        for key, goal in (
            ("emergency_recall", goals_here.emergency_recall),
            ("emergency_precision", goals_here.emergency_precision),
            ("accuracy", goals_here.accuracy),
            ("leave_one_language_out", goals_here.leave_one_language_out),
        ):
            value = scores.get(key)
            if value is not None and value < goal:
                problems.append(f"{lang}: {key.replace('_', ' ')} {value:.1%} is below the goal of {goal:.0%}")
    return problems


async def _predict(model_path: str, tests: Dict[str, list]) -> Dict[str, List[Prediction]]:
    from rasa.core.agent import Agent

    agent = Agent.load(model_path)
    predictions: Dict[str, List[Prediction]] = {}
    for lang, messages in tests.items():
        predictions[lang] = []
        for message in messages:
            parsed = await agent.parse_message(message.get("text"))
            ranking = [r for r in parsed.get("intent_ranking", []) if r["name"] != FALLBACK]
            top = ranking[0] if ranking else {"name": FALLBACK, "confidence": 0.0}
            predictions[lang].append(
                Prediction(
                    message.get("intent"), parsed["intent"]["name"], top["name"], top["confidence"],
                    message.get("text"),
                )
            )
    return predictions


def _train(parts: list, tmp: Path, config: Path) -> str:
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter

    merged = parts[0].merge(*parts[1:])
    train_file = tmp / "train.yml"
    RasaYAMLWriter().dump(train_file, merged)
    return train_nlu(config=str(config), nlu_data=str(train_file), output=str(tmp), domain=str(BUILD_DOMAIN_DIR))


def heldout_report(
    output: Path = REPO_DIR / "results" / "nlu-heldout.json",
    config: Path = REPO_DIR / "config.yml",
    leave_out: Sequence[str] = (),
) -> Dict[str, dict]:
    """Held-out scores of every enabled language, and for each language in `leave_out`
    the accuracy of a model trained without any of its examples (one training each)."""
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    # a line per parsed message otherwise; the report is the output
    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    languages = registry().enabled_codes
    trains, tests = {}, {}
    for lang in languages:
        data = load_data(str(BOT_DIR / "data" / "nlu" / lang))
        train, test = data.train_test_split(train_frac=0.8, random_seed=SEED)
        buttons = BUILD_NLU_DIR / f"{lang}.yml"  # the language's button titles teach as in make train
        trains[lang] = train.merge(load_data(str(buttons))) if buttons.exists() else train
        tests[lang] = list(test.intent_examples)
    with tempfile.TemporaryDirectory() as tmp:
        model = _train(list(trains.values()), Path(tmp), config)
        report = {lang: language_scores(p) for lang, p in asyncio.run(_predict(model, tests)).items()}
    if len(languages) > 1:
        for lang in [code for code in languages if code in leave_out]:
            with tempfile.TemporaryDirectory() as tmp:
                model = _train([trains[other] for other in languages if other != lang], Path(tmp), config)
                [predictions] = asyncio.run(_predict(model, {lang: tests[lang]})).values()
            unseen = language_scores(predictions)
            report[lang]["leave_one_language_out"] = unseen["top_intent_accuracy"]
            report[lang]["leave_one_language_out_after_fallback"] = unseen["accuracy"]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return report


def format_report(report: Dict[str, dict]) -> List[str]:
    lines = [
        "lang  examples  emergency recall / precision (n)  accuracy  top intent  fallback  left out",
    ]
    for lang, s in report.items():
        left_out = s.get("leave_one_language_out")
        lines.append(
            f"{lang:<5} {s['examples']:>8}  {s['emergency_recall']:>14.1%} / {s['emergency_precision']:<6.1%} "
            f"({s['emergency_examples']:>2})  {s['accuracy']:>8.1%}  {s['top_intent_accuracy']:>10.1%}  "
            f"{s['fallback_rate']:>8.1%}  {'-' if left_out is None else f'{left_out:.1%}':>8}"
        )
    for lang, s in report.items():
        for confusion, count in s["top_confusions"]:
            lines.append(f"  {lang}: {count} x {confusion}")
    return lines
