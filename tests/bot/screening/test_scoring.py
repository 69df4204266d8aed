"""Every branch of the Delphi scoring rule (bot/screening/scoring.py), table-driven."""

import pytest

from bot.screening.scoring import (
    DIMENSIONS,
    EXPLOITATION,
    FEW,
    FORCED_LABOUR,
    TRAFFICKING,
    Indicator,
    assess,
    dimension_present,
)

# Synthetic indicators: <dimension>.<strength><n>, e.g. "coercion.s1", "exploitation.m2".
INDICATORS = {
    f"{dim}.{s[0]}{n}": Indicator(f"{dim}.{s[0]}{n}", dim, s)
    for dim in DIMENSIONS
    for s in ("strong", "medium", "weak")
    for n in (1, 2, 3)
}


def yes(*ids):
    return {i: "yes" for i in ids}


@pytest.mark.parametrize(
    "strengths, present",
    [
        ([], False),
        (["strong"], False),
        (["strong", "strong"], True),
        (["strong", "medium"], True),
        (["strong", "weak"], True),
        (["medium", "medium"], False),
        (["medium", "medium", "medium"], True),
        (["medium", "medium", "weak"], True),
        (["medium", "weak", "weak"], False),
        (["weak", "weak", "weak"], False),  # weak alone never
        (["weak"] * 9, False),
    ],
)
def test_dimension_present(strengths, present):
    assert dimension_present(strengths) is present


@pytest.mark.parametrize(
    "answers, minor, signal, urgent",
    [
        # nothing, or only weak signs
        ({}, False, FEW, False),
        (yes("exploitation.w1", "coercion.w1", "vulnerability.w2"), False, FEW, False),
        # a single strong or medium sign that makes no dimension
        (yes("coercion.s1"), False, EXPLOITATION, False),
        (yes("vulnerability.m1"), False, EXPLOITATION, False),
        # exploitation + coercion, no recruitment dimension
        (yes("exploitation.s1", "exploitation.m1", "coercion.s1", "coercion.s2"), False, FORCED_LABOUR, False),
        # exploitation + vulnerability, no recruitment dimension
        (yes("exploitation.m1", "exploitation.m2", "exploitation.m3",
             "vulnerability.m1", "vulnerability.m2", "vulnerability.w1"), False, FORCED_LABOUR, False),
        # exploitation alone is present but has no coercion/vulnerability
        (yes("exploitation.s1", "exploitation.s2"), False, EXPLOITATION, False),
        # coercion alone is present but no exploitation
        (yes("coercion.s1", "coercion.s2"), False, EXPLOITATION, False),
        # each recruitment dimension + exploitation + coercion or vulnerability
        (yes("deceptive_recruitment.s1", "deceptive_recruitment.w1", "exploitation.s1", "exploitation.m1",
             "coercion.s1", "coercion.m1"), False, TRAFFICKING, False),
        (yes("coercive_recruitment.s1", "coercive_recruitment.s2", "exploitation.s1", "exploitation.m1",
             "vulnerability.s1", "vulnerability.w1"), False, TRAFFICKING, False),
        (yes("vulnerable_recruitment.m1", "vulnerable_recruitment.m2", "vulnerable_recruitment.m3",
             "exploitation.s1", "exploitation.s2", "coercion.s1", "coercion.s2"), False, TRAFFICKING, False),
        # recruitment + exploitation but nothing at destination: forced labour needs coercion/vulnerability
        (yes("deceptive_recruitment.s1", "deceptive_recruitment.s2", "exploitation.s1", "exploitation.s2"),
         False, EXPLOITATION, False),
        # recruitment dimension only present by weak signs: not present
        (yes("deceptive_recruitment.w1", "deceptive_recruitment.w2", "deceptive_recruitment.w3",
             "exploitation.s1", "exploitation.m1", "coercion.s1", "coercion.m1"), False, FORCED_LABOUR, False),
        # minors: one strong or medium yes in exploitation or coercion is enough, and urgent
        (yes("exploitation.m1"), True, TRAFFICKING, True),
        (yes("coercion.s1"), True, TRAFFICKING, True),
        (yes("exploitation.w1"), True, FEW, False),
        (yes("vulnerability.s1"), True, EXPLOITATION, False),
        (yes("deceptive_recruitment.m1"), True, EXPLOITATION, False),
    ],
)
def test_signal(answers, minor, signal, urgent):
    result = assess(INDICATORS, answers, minor=minor)
    assert (result.signal, result.urgent) == (signal, urgent)


def test_not_sure_counts_as_no_but_is_reported():
    answers = {"exploitation.s1": "yes", "exploitation.s2": "unsure", "coercion.s1": "unsure",
               "coercion.s2": "no"}
    result = assess(INDICATORS, answers)
    assert result.dimensions["exploitation"] is False
    assert result.signal == EXPLOITATION
    assert result.seen == ["exploitation.s1"]
    assert result.unsure == ["exploitation.s2", "coercion.s1"]


def test_not_sure_for_a_minor_is_not_a_yes():
    assert assess(INDICATORS, {"coercion.s1": "unsure"}, minor=True).signal == FEW


@pytest.mark.parametrize("answers", [{"nope": "yes"}, {"coercion.s1": "maybe"}, {"coercion.s1": True}])
def test_bad_answers_are_refused(answers):
    with pytest.raises(ValueError):
        assess(INDICATORS, answers)


def test_dimensions_reported_for_every_dimension():
    result = assess(INDICATORS, yes("coercion.s1", "coercion.s2"))
    assert set(result.dimensions) == set(DIMENSIONS)
    assert [d for d, p in result.dimensions.items() if p] == ["coercion"]
