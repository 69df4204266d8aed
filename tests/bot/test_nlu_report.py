"""The NLU report's figures, from predictions (the training itself runs in make test)."""

import pytest

from bot.tooling.nlu_report import Goals, Prediction, language_scores, shortfalls


def p(expected, got, top=None, confidence=0.9):
    return Prediction(expected, got, top or got, confidence, f"says {expected}")


def test_scores_from_predictions():
    predictions = [
        p("emergency", "emergency"),
        p("emergency", "nlu_fallback", top="report_violence"),  # a missed emergency
        p("report_violence", "emergency"),  # a false alarm
        p("greet", "greet"),
        p("greet", "nlu_fallback", top="greet", confidence=0.2),  # right guess, not confident enough
    ]
    scores = language_scores(predictions)
    assert scores["examples"] == 5 and scores["emergency_examples"] == 2
    assert scores["emergency_recall"] == 0.5
    assert scores["emergency_precision"] == 0.5
    assert scores["accuracy"] == 0.4  # what the person experiences
    assert scores["top_intent_accuracy"] == 0.6  # the classifier was right about both greets
    assert scores["fallback_rate"] == 0.4
    assert scores["missed_emergencies"] == ["says emergency -> nlu_fallback"]
    assert scores["false_emergencies"] == ["says report_violence (report_violence)"]
    assert dict(scores["top_confusions"]) == {
        "emergency -> nlu_fallback": 1, "report_violence -> emergency": 1, "greet -> nlu_fallback": 1
    }


def test_no_emergency_flagged_is_full_precision_and_none_expected_is_full_recall():
    scores = language_scores([p("greet", "greet")])
    assert scores["emergency_recall"] == 1.0 and scores["emergency_precision"] == 1.0


@pytest.mark.parametrize(
    "scores, expected",
    [
        ({"emergency_recall": 1.0, "emergency_precision": 1.0, "accuracy": 0.95, "leave_one_language_out": 0.85}, []),
        ({"emergency_recall": 0.9, "emergency_precision": 1.0, "accuracy": 0.95}, ["lv: emergency recall 90.0%"]),
        ({"emergency_recall": 1.0, "emergency_precision": 0.5, "accuracy": 0.95}, ["lv: emergency precision 50.0%"]),
        ({"emergency_recall": 1.0, "emergency_precision": 1.0, "accuracy": 0.8}, ["lv: accuracy 80.0%"]),
        (
            {"emergency_recall": 1.0, "emergency_precision": 1.0, "accuracy": 0.95, "leave_one_language_out": 0.7},
            ["lv: leave one language out 70.0%"],
        ),
    ],
)
def test_shortfalls_name_each_figure_below_its_goal(scores, expected):
    problems = shortfalls({"lv": scores}, Goals())
    assert [problem.split(" is below")[0] for problem in problems] == expected


def test_a_language_can_have_floors_of_its_own():
    report = {
        "lv": {"emergency_recall": 1.0, "emergency_precision": 1.0, "accuracy": 0.8},
        "uz": {"emergency_recall": 1.0, "emergency_precision": 1.0, "accuracy": 0.8},
    }
    problems = shortfalls(report, Goals(accuracy=0.75), {"lv": Goals()})
    assert [problem.split(" is below")[0] for problem in problems] == ["lv: accuracy 80.0%"]
