"""Held-out NLU report: per language, train on 80 % of every language, test on the rest.

`python -m bot nlu-report` prints intent accuracy per language and writes
results/nlu-heldout.json. Training takes as long as the NLU part of `make train`.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections import Counter
from pathlib import Path
from typing import Dict

from bot.language.registry import registry
from bot.paths import BOT_DIR, BUILD_DOMAIN_DIR, REPO_DIR

SEED = 2026
FALLBACK = "nlu_fallback"


async def _accuracy(model_path: str, tests: Dict[str, list]) -> Dict[str, dict]:
    from rasa.core.agent import Agent

    agent = Agent.load(model_path)
    report = {}
    for lang, messages in tests.items():
        misses: Counter = Counter()
        correct = top_correct = fallbacks = 0
        scored: list = []
        for message in messages:
            parsed = await agent.parse_message(message.get("text"))
            expected, got = message.get("intent"), parsed["intent"]["name"]
            ranking = [r for r in parsed.get("intent_ranking", []) if r["name"] != FALLBACK]
            ranked = [r["name"] for r in ranking]
            if ranking:
                scored.append((ranking[0]["name"] == expected, ranking[0]["confidence"]))
            correct += got == expected
            fallbacks += got == FALLBACK
            top_correct += bool(ranked) and ranked[0] == expected
            if got != expected:
                misses[f"{expected} -> {got}"] += 1
        report[lang] = {
            "examples": len(messages),
            # what the person experiences: a wrong intent and "not understood" both count as misses
            "accuracy": round(correct / len(messages), 3),
            # the classifier alone, before the fallback threshold
            "top_intent_accuracy": round(top_correct / len(messages), 3),
            "fallback_rate": round(fallbacks / len(messages), 3),
            "accuracy_if_threshold": {
                str(t): round(sum(ok and conf >= t for ok, conf in scored) / len(messages), 3)
                for t in (0.2, 0.3, 0.4, 0.5)
            },
            "top_confusions": misses.most_common(5),
        }
    return report


def heldout_report(
    output: Path = REPO_DIR / "results" / "nlu-heldout.json", config: Path = REPO_DIR / "config.yml"
) -> Dict[str, dict]:
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.loading import load_data

    trains, tests = [], {}
    for lang in registry().enabled_codes:
        data = load_data(str(BOT_DIR / "data" / "nlu" / lang))
        train, test = data.train_test_split(train_frac=0.8, random_seed=SEED)
        trains.append(train)
        tests[lang] = [m for m in test.intent_examples]
    merged = trains[0].merge(*trains[1:])
    with tempfile.TemporaryDirectory() as tmp:
        train_file = Path(tmp) / "train.yml"
        RasaYAMLWriter().dump(train_file, merged)
        model = train_nlu(
            config=str(config), nlu_data=str(train_file), output=tmp,
            domain=str(BUILD_DOMAIN_DIR),
        )
        report = asyncio.run(_accuracy(model, tests))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return report
