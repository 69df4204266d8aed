"""The Statistics page's numbers (portal/stats.py), checked from the reader's side.

The page, its charts, its CSV and `python -m portal stats` publish one total and
the same intakes broken down five ways, each breakdown adding up to the total.
The checks read the CSV as published (numbers, "<5", "x") and ask, without the
suppression module's reasoning, whether a hidden number can be worked out: by
exhausting every value each hidden number can take ("<5" read as 1 to 4, "x" as 5
or more for a count, any non-zero count for the total). Each check is first shown
to find the leak of the old page (which only wrote "<5").
"""

from __future__ import annotations

import csv
import io
import random
import re
from collections import Counter

import pytest

from portal import stats
from portal.suppression import Cell, Mark, protect_breakdowns

BREAKDOWNS = stats.BREAKDOWNS

# --- reading what is published -----------------------------------------------------------


def read(csv_text: str) -> tuple[str, dict[str, list[tuple[str, str]]]]:
    """The published CSV as a reader has it: the total's text, and breakdown -> [(key, text)]."""
    rows = list(csv.reader(io.StringIO(csv_text)))
    assert rows[0] == ["dimension", "key", "count"] and rows[1][:2] == ["total", "all"]
    by: dict[str, list[tuple[str, str]]] = {}
    for dimension, key, text in rows[2:]:
        by.setdefault(dimension, []).append((key, text))
    return rows[1][2], by


def bounds(text: str, total: bool, cap: int) -> range:
    """The values a published number can have, up to `cap` for an unbounded one."""
    if text == "<5":
        return range(1, 5)
    if text == "x":
        return range(1 if total else 5, cap + 1)
    return range(int(text), int(text) + 1)


def reachable_sums(ranges: list[range], cap: int) -> set[int]:
    """Every sum of one value from each range (every combination, summarised by its sum)."""
    sums = {0}
    for values in ranges:
        sums = {s + v for s in sums for v in values if s + v <= cap}
    return sums


def possible_values(published: tuple[str, dict], target: tuple[str, str] | None, cap: int) -> set[int]:
    """Every value the hidden number `target` ((breakdown, key), or None for the total) has
    in some set of numbers that agrees with everything published: each breakdown adds up
    to the total. Exhaustive up to `cap` (the breakdowns are independent once the total is
    fixed, so each is searched on its own for every possible total)."""
    total_text, by = published
    found = set()
    for total in bounds(total_text, True, cap):
        fits = {name: total in reachable_sums([bounds(text, False, cap) for _, text in lines], cap)
                for name, lines in by.items()}
        if target is None:
            if all(fits.values()):
                found.add(total)
            continue
        name, key = target
        if not all(fit for other, fit in fits.items() if other != name):
            continue
        lines = by[name]
        text = dict(lines)[key]
        rest = reachable_sums([bounds(t, False, cap) for k, t in lines if k != key], cap)
        found |= {value for value in bounds(text, False, cap) if total - value in rest}
    return found


def exposed(published: tuple[str, dict], cap: int) -> list:
    """The hidden numbers with a single possible value."""
    total_text, by = published
    hidden = ([None] if total_text in ("<5", "x") else []) + [
        (name, key) for name, lines in by.items() for key, text in lines if text in ("<5", "x")]
    return [target for target in hidden if len(possible_values(published, target, cap)) < 2]


def check_published(aggregates: stats.Aggregates, csv_text: str) -> None:
    """The marks, and no sum the reader sees with exactly one hidden number."""
    total_text, by = read(csv_text)
    marks = [(aggregates.total, total_text, True)] + [
        (aggregates.by[name][key], text, False) for name, lines in by.items() for key, text in lines]
    for value, text, total in marks:
        if 0 < value < 5:
            assert text == ("x" if total else "<5"), (value, text)
        else:
            assert text in (str(value), "x") and (text != "x" or value > 0), (value, text)
    for name, lines in by.items():
        # each breakdown is listed whole (every key counted), and adds up to the total
        assert {key for key, _ in lines} == set(aggregates.by[name]), name
        hidden = sum(text in ("<5", "x") for text in [total_text, *(text for _, text in lines)])
        assert hidden != 1, (name, total_text, lines)


# --- what the page did before: "<5" alone ----------------------------------------------------

def old_csv(aggregates: stats.Aggregates) -> str:
    """The old page's CSV: counts of 1 to 4 as "<5", everything else as it is, largest first."""
    def shown(count: int) -> str:
        return "<5" if 0 < count < 5 else str(count)

    lines = ["dimension,key,count", f"total,all,{shown(aggregates.total)}"]
    for name in BREAKDOWNS:
        for key, count in sorted(aggregates.by[name].items(), key=lambda item: (-item[1], item[0])):
            lines.append(f"{name},{key},{shown(count)}")
    return "\n".join(lines) + "\n"


def aggregate(intakes: list[tuple[str, str, str, str, str]]) -> stats.Aggregates:
    """(week, language, channel, source, signal) per intake, counted as stats.compute does."""
    by = {name: Counter(intake[i] for intake in intakes) for i, name in enumerate(BREAKDOWNS)}
    return stats.Aggregates(total=len(intakes), by={name: dict(counts) for name, counts in by.items()})


def uniform(total: int, **breakdowns: dict[str, int]) -> stats.Aggregates:
    """A dataset given by its breakdowns; those not given are one key holding everything."""
    by = {name: dict(breakdowns.get(name, {"k": total})) for name in BREAKDOWNS}
    return stats.Aggregates(total=total, by=by)


# The leaks of the old page: a row of 12 whose other count shows 9; and bounds alone
# (five "<5" sources under a total of 5: each is 1).
OLD_LEAKS = [
    (uniform(12, language={"uz": 9, "ru": 3}), ("language", "ru"), 3),
    (uniform(5, source={"a": 1, "b": 1, "c": 1, "d": 1, "e": 1}), ("source", "c"), 1),
    (uniform(14, week={"2026-W47": 7, "2026-W48": 7}, channel={"web": 10, "sms": 4}), ("channel", "sms"), 4),
]


@pytest.mark.parametrize("aggregates, target, value", OLD_LEAKS)
def test_the_check_finds_the_old_pages_leak(aggregates, target, value):
    published = read(old_csv(aggregates))
    assert possible_values(published, target, aggregates.total + 2) == {value}
    assert target in exposed(published, aggregates.total + 2)
    # ... and the page now gives nothing away on the same numbers
    now = stats.to_csv(stats.publish(aggregates))
    check_published(aggregates, now)
    assert exposed(read(now), aggregates.total + 2) == []


def test_the_check_finds_a_single_hidden_number_in_a_breakdown():
    """The structural half of the check sees the old page's single "<5" under a shown total."""
    aggregates = OLD_LEAKS[0][0]
    with pytest.raises(AssertionError):
        check_published(aggregates, old_csv(aggregates))


# --- the rule, table-driven --------------------------------------------------------------------

def texts(published: stats.Published) -> dict:
    return {"total": published.total.text,
            **{name: [f"{key} {cell.text}" for key, cell in lines] for name, lines in published.by.items()}}


@pytest.mark.parametrize(
    "name, aggregates, expected",
    [
        ("large counts are shown as they are, largest first (weeks in order)",
         uniform(40, week={"2026-W48": 15, "2026-W47": 25}, language={"ru": 12, "uz": 28}),
         {"week": ["2026-W47 25", "2026-W48 15"], "language": ["uz 28", "ru 12"]}),
        ("a small count and another count of its breakdown",
         uniform(12, language={"uz": 9, "ru": 3}),
         {"total": "12", "language": ["uz x", "ru <5"]}),
        # ru by the fixed order of keys, not as the smaller of the counts shown
        ("two small counts that add up to what is missing: both would be 1, so more is hidden",
         uniform(40, language={"uz": 30, "ru": 8, "lv": 1, "en": 1}),
         {"total": "40", "language": ["uz 30", "ru x", "en <5", "lv <5"]}),
        ("a small total is x, and then the other breakdowns hide their counts too",
         uniform(3, language={"uz": 2, "ru": 1}),
         {"total": "x", "week": ["k <5"], "language": ["ru <5", "uz <5"]}),
        ("a total that five <5 sources would pin is hidden, and with it a count of each other breakdown",
         uniform(5, source={"a": 1, "b": 1, "c": 1, "d": 1, "e": 1}),
         {"total": "x", "week": ["k x"], "source": ["a <5", "b <5", "c <5", "d <5", "e <5"]}),
        ("four intakes of four sources: with everything hidden each is still 1, so sources are withheld",
         uniform(4, source={"a": 1, "b": 1, "c": 1, "d": 1}),
         {"total": "x", "week": ["k <5"]}),
        ("nothing yet", stats.Aggregates(total=0, by={name: {} for name in BREAKDOWNS}), {"total": "0", "week": []}),
    ],
)
def test_the_rule(name, aggregates, expected):
    published = stats.publish(aggregates)
    shown = texts(published)
    assert {key: shown[key] for key in expected} == expected, shown
    assert published.withheld == (("source",) if name.startswith("four intakes") else ())


def test_the_breakdowns_must_add_up_to_the_total():
    with pytest.raises(ValueError, match="language"):
        protect_breakdowns(10, {"week": {"w": 10}, "language": {"uz": 9}})


def test_the_order_of_a_list_says_nothing_about_what_it_hides():
    """Two datasets that differ only in hidden numbers publish the same thing. (Sorted by
    count, as before, "ru" before "lv" would say ru > lv: with ru + lv = 3, ru 2 and lv 1.)"""
    first = uniform(23, language={"uz": 20, "ru": 2, "lv": 1})
    second = uniform(23, language={"uz": 20, "ru": 1, "lv": 2})
    assert stats.to_csv(stats.publish(first)) == stats.to_csv(stats.publish(second))
    assert old_csv(first) != old_csv(second)
    assert [key for key, _ in stats.publish(first).by["language"]] == ["uz", "lv", "ru"]  # 20, then x, then <5


# --- the rule holds, on many small seeded datasets ------------------------------------------------

WEEKS = ("2026-W45", "2026-W46", "2026-W47", "2026-W48")
LANGUAGES = ("uz", "uz", "uz", "ru", "ru", "lv", "en", "ky")
CHANNELS = ("web", "web", "web", "sms", "whatsapp", "telegram")
SOURCES = ("-", "emb-tashkent", "emb-tashkent", "qr-riga", "vdi-sites", "pilot")
SIGNALS = ("trafficking_signs", "forced_labour_signs", "exploitation_signs", "few_signs")


def random_intakes(generator: random.Random, count: int) -> list[tuple[str, str, str, str, str]]:
    return [tuple(generator.choice(values) for values in (WEEKS, LANGUAGES, CHANNELS, SOURCES, SIGNALS))
            for _ in range(count)]


def small_datasets():
    yield from (aggregates for aggregates, _, _ in OLD_LEAKS)
    generator = random.Random(2026)
    for _ in range(300):
        yield aggregate(random_intakes(generator, generator.choice((1, 2, 3, 4, 5, 6, 8, 10, 13, 17, 25, 40))))


def test_small_datasets_by_brute_force():
    old_leaks = hiding = withheld = 0
    for aggregates in small_datasets():
        cap = aggregates.total + 2
        published = stats.publish(aggregates)
        csv_text = stats.to_csv(published)
        check_published(aggregates, csv_text)
        assert exposed(read(csv_text), cap) == [], (aggregates, csv_text)
        assert {name for name, _ in read(csv_text)[1].items()} | set(published.withheld) >= {
            name for name in BREAKDOWNS if aggregates.by[name]}
        old_leaks += bool(exposed(read(old_csv(aggregates)), cap))
        hiding += "x" in csv_text
        withheld += bool(published.withheld)
    # the datasets are ones where the old page gave counts away, and the new one has to work
    assert old_leaks > 80 and hiding > 250 and withheld > 0, (old_leaks, hiding, withheld)


def test_withholding_is_for_the_smallest_datasets():
    """Only bounds pin a number with everything hidden, and only with few intakes: from 25
    intakes on (here) every breakdown is published."""
    generator = random.Random(7)
    for _ in range(200):
        aggregates = aggregate(random_intakes(generator, generator.choice((25, 40, 60))))
        assert stats.publish(aggregates).withheld == ()


def test_a_few_years_of_counts():
    """156 weeks, 20 languages, 5 channels, 60 sources, as the page computes on every request
    (its time: `python bench/run.py suppression`)."""
    generator = random.Random(11)
    intakes = [(f"w{generator.randrange(156):03d}", f"l{int(generator.paretovariate(1.2)) % 20}",
                generator.choice(CHANNELS), f"s{int(generator.paretovariate(1.0)) % 60}", generator.choice(SIGNALS))
               for _ in range(3000)]
    aggregates = aggregate(intakes)
    published = stats.publish(aggregates)
    check_published(aggregates, stats.to_csv(published))
    assert any(cell.mark is Mark.HIDDEN for lines in published.by.values() for _, cell in lines)


# --- the CSV and the charts -------------------------------------------------------------------------

def test_csv_marks_hidden_counts_and_defuses_formulas():
    aggregates = uniform(16, week={"2026-W47": 16}, language={"uz": 9, "ru": 3, "lv": 4},
                         source={"=cmd()": 10, "-": 6})
    rows = stats.to_csv(stats.publish(aggregates)).splitlines()
    assert rows[:7] == ["dimension,key,count", "total,all,16", "week,2026-W47,16", "language,uz,9",
                        "language,lv,<5", "language,ru,<5", "channel,k,16"]
    assert "source,'=cmd(),10" in rows and "source,-,6" in rows


def test_chart_is_plain_svg_and_draws_hidden_counts_alike():
    items = [("lv", Cell(12)), ("<b>uz</b>", Cell(30, Mark.HIDDEN)), ("ru", Cell(1, Mark.SMALL)),
             ("en", Cell(4, Mark.SMALL))]
    svg = str(stats.bar_chart(items, "By language"))
    assert svg.startswith("<svg") and "<script" not in svg and "&lt;b&gt;uz" in svg
    widths = re.findall(r'<rect [^>]*width="([0-9.]+)"', svg)
    assert widths[1] == widths[2] == widths[3] != widths[0]  # x, 1 and 4 look the same
    assert float(widths[0]) == 300  # scaled to the longest shown bar, not to the hidden 30
    assert ">30<" not in svg and ">x<" in svg and ">&lt;5<" in svg


def test_protecting_each_breakdown_on_its_own_is_not_enough():
    """The five breakdowns share their total: protected one by one (suppression.protect
    on each, with its own total), one can show the total that another had to hide."""
    from portal.suppression import TOTAL, protect

    aggregates = OLD_LEAKS[1][0]  # a week of 5, and five sources of 1
    tables = {name: protect({key: {"n": count} for key, count in sorted(counts.items())}, ["n"])
              for name, counts in aggregates.by.items()}
    totals = {table[TOTAL][TOTAL].text for table in tables.values()}
    assert totals == {"5", "x"}  # the sources' table hides it, the week's shows it
    lines = ["dimension,key,count", "total,all,5"] + [
        f"{name},{key},{table[key]['n'].text}" for name, table in tables.items() for key in table if key is not TOTAL]
    assert ("source", "a") in exposed(read("\n".join(lines) + "\n"), aggregates.total + 2)
    assert exposed(read(stats.to_csv(stats.publish(aggregates))), aggregates.total + 2) == []
