"""What the result says for each signal, minors and "not sure" (table-driven)."""

import pytest

from bot.screening.indicators import indicator_set
from bot.screening.result import assessment_record, plan_result
from bot.screening.scoring import assess

INDICATORS = indicator_set()


def result(answers, minor=False):
    assessment = assess(INDICATORS.scoring(), answers, minor=minor)
    return assessment, plan_result(assessment, INDICATORS, minor)


@pytest.mark.parametrize(
    "answers, minor, signal, responses",
    [
        ({"job_different": "yes", "pay_lower_than_promised": "yes", "excessive_hours": "yes", "bad_housing": "yes",
          "passport_kept": "yes", "cannot_leave": "yes"}, False, "trafficking_signs",
         ["utter_result_trafficking_signs", "utter_result_rights_trafficking", "utter_result_next"]),
        ({"excessive_hours": "yes", "dangerous_work": "yes", "passport_kept": "yes", "threats": "yes",
          "violence": "unsure"}, False, "forced_labour_signs",
         ["utter_result_forced_labour_signs", "utter_result_unsure", "utter_result_rights_forced_labour",
          "utter_result_next"]),
        ({"wages_withheld": "yes"}, False, "exploitation_signs",
         ["utter_result_exploitation_signs", "utter_result_rights_exploitation", "utter_result_next"]),
        ({"job_different": "no"}, False, "few_signs",
         ["utter_result_few_signs", "utter_result_rights_general", "utter_result_next"]),
        ({"begging_quota": "yes"}, True, "trafficking_signs",
         ["utter_result_trafficking_signs", "utter_result_minor", "utter_result_next"]),
    ],
)
def test_result_per_signal(answers, minor, signal, responses):
    assessment, plan = result(answers, minor)
    assert assessment.signal == signal
    assert plan.responses == responses
    assert set(plan.seen) == {i for i, a in answers.items() if a == "yes"}


def test_signs_are_listed_strongest_first():
    _, plan = result({"bad_housing": "yes", "passport_kept": "yes"})
    assert plan.seen == ["passport_kept", "bad_housing"]


def test_the_record_for_the_intake():
    assessment, _ = result({"begging_quota": "yes"}, minor=True)
    record = assessment_record(assessment)
    assert record["signal"] == "trafficking_signs" and record["urgent"] is True
    assert record["dimensions"]["exploitation"] is False  # one medium alone is not a dimension


def test_tell_me_more_after_a_result_opens_a_rights_topic_that_exists():
    from bot.rights.topics import rights

    for answers, minor in (({"job_different": "no"}, False), ({"begging_quota": "yes"}, True)):
        _, plan = result(answers, minor)
        assert plan.rights_topic in rights().topics
    assert result({"begging_quota": "yes"}, True)[1].rights_topic == "children"
