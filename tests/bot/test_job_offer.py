"""The job-offer check's pure core and data, table-driven."""

import pytest

from bot.i18n.catalogs import Catalogs
from bot.job_offer.flags import (
    ADVICE_CONTEXT,
    HIGH,
    LOW,
    QUESTION_CONTEXT,
    SOME,
    assess_offer,
    job_offer_flags,
    next_flag,
    previous_flag,
)
from bot.language.registry import registry
from bot.paths import LOCALES_DIR

FLAGS = job_offer_flags()
ISSUE_FLAGS = {
    "recruitment_fee", "no_written_contract", "passport_handover", "pay_too_good", "employer_unknown",
    "travel_as_debt", "vague_job", "pressure",
}


def answers(yes=(), unsure=()):
    return {f: "yes" if f in yes else "unsure" if f in unsure else "no" for f in FLAGS}


def test_the_red_flags_of_the_issue():
    assert set(FLAGS) == ISSUE_FLAGS
    for flag in FLAGS.values():
        assert flag.weight in (1, 2) and flag.source.strip() and len(flag.question) <= 160


@pytest.mark.parametrize(
    "yes, unsure, risk",
    [
        ((), (), LOW),
        ((), ("recruitment_fee",), LOW),  # not sure adds nothing, but is named
        (("pay_too_good",), (), SOME),
        (("pay_too_good", "pressure"), (), SOME),
        (("pay_too_good", "pressure", "vague_job"), (), HIGH),  # warning signs add up
        (("passport_handover",), (), HIGH),  # a serious sign on its own
        (("recruitment_fee", "pressure"), ("vague_job",), HIGH),
    ],
)
def test_risk(yes, unsure, risk):
    check = assess_offer(FLAGS, answers(yes, unsure))
    assert check.risk == risk
    assert set(check.flagged) == set(yes)
    assert set(check.unsure) == set(unsure)


def test_serious_flags_are_listed_first():
    check = assess_offer(FLAGS, answers(("pressure", "passport_handover")))
    assert check.flagged == ["passport_handover", "pressure"]


def test_questions_in_order_and_back():
    order = list(FLAGS)
    assert next_flag(FLAGS, {}) == (1, len(order), order[0])
    assert next_flag(FLAGS, {order[0]: "yes"}) == (2, len(order), order[1])
    assert next_flag(FLAGS, answers()) is None
    assert previous_flag(FLAGS, {}) is None
    assert previous_flag(FLAGS, {order[0]: "no", order[1]: "yes"}) == order[1]


@pytest.mark.parametrize("lang", registry().enabled_codes)
def test_every_question_and_advice_in_every_language(lang):
    catalogs = Catalogs(LOCALES_DIR)
    for flag in FLAGS.values():
        for context, msgid in ((QUESTION_CONTEXT, flag.question), (ADVICE_CONTEXT, flag.advice)):
            text = catalogs.pgettext(lang, context, msgid)
            assert text.strip()
            if lang != registry().source_language:
                assert text != msgid, (lang, flag.id, "untranslated")
