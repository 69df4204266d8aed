"""Small-count suppression for a table published with its totals (pure).

A count of 1 to 4 is *small*: shown as "<5" (primary suppression), so that a
small group cannot be singled out. Totals would give it back: in a row of 12
whose other cells show 9, the hidden cell is 3. So more is hidden (secondary
suppression, shown as "x", always 5 or more in a cell):

1. every count of 1 to 4 is small ("<5"); a total is hidden ("x") when the marks
   of the numbers it adds up allow it to be 1 to 4 (its non-zero numbers all
   "<5", at most four of them), whatever it is;
2. a row or column (or any other sum the table shows) with exactly one hidden
   number gets a second one, of its other non-zero numbers still shown: one that
   also gives a second hidden number to another sum that has only one, if any
   (fewer are hidden in all); then a cell before a total; then the first in a
   fixed order of their keys (a keyed hash, so that it is not always the same
   column). Repeated until no sum has exactly one;
3. the audit: each hidden number must have at least two values that agree with
   everything shown, reading "<5" as 1 to 4 and "x" as 5 or more (the row of
   100, <5, <5, 50 with total 152 passes step 2, yet both are 1). If one has a
   single possible value, one more number near it is hidden: of the shown
   non-zero numbers that share a sum with it (else with those, and so on), the
   first in the same order; and it starts again from step 2.

Zeros are shown: a zero is not a small group.

Why no choice looks at a value. A reader may know these rules: a choice made
from keys, zeros and marks alone (all on the page anyway) tells them nothing
beyond "x is 5 or more", where "the smallest" would tell that an x is at most
every count shown beside it (uz 5, ru x, lv <5 with the total 13: ru 5, lv 3).
For the same reason a total is hidden by what its numbers' marks allow, not by
its value. The limit: that step 3 had to hide more says that the table before
it pinned a number, which happens only at the edges (a "<5" of 1 or 4, an x of
5, a total of 1), and a reader who knows the rules can narrow numbers down from
that, as from a withheld breakdown (below).

How the audit decides. The table and its totals form a network whose flows are
the numbers and whose nodes are the sums: a row node receives its row total and
passes one flow per cell on to the column nodes, which pass their column totals
on to a sink, and the grand total flows from the sink back to the source that
feeds the row totals. Every sum the table shows is flow conservation at one node, and nothing else is. The
tables that agree with what is shown therefore differ from the true one by
circulations on the hidden numbers, and such a difference breaks into cycles
whose steps all move the same way as the whole (a conformal decomposition). So
a hidden number has a second possible value exactly when one cycle of hidden
numbers through it can move by one: each number on it up by one (not past 4
if small) or down by one (not below 1 if small, not below 5 if "x") by the
direction it is walked. That is a path search, exact and quick.

`protect(rows, columns)` builds that network for a table (rows × columns, the
total of every row and column, and the grand total) and returns each number
with its mark. `protect_breakdowns(total, breakdowns)` does the same for one
total broken down several ways (the Statistics page: the same intakes by week,
by language, ...). The guarantee holds for what one call publishes; two tables
of overlapping periods can still be compared by a reader.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

THRESHOLD = 5
# The key of the hash that orders the candidates of steps 2 and 3 (`_order`). Not a secret:
# the order only has to know nothing of the values, and to stay the same, so that the same
# data always gives the same table and reloading a page shows nothing new.
ORDER_KEY = b"paligs suppression order 1"
# The row or column key that stands for "all of them": the totals.
TOTAL = None


class Mark(Enum):
    SHOWN = "shown"
    SMALL = "small"  # 1 to 4, shown as "<5"
    HIDDEN = "hidden"  # 5 or more, hidden so that a small count cannot be worked out

    @property
    def text(self) -> str:
        return {Mark.SMALL: "<5", Mark.HIDDEN: "x"}.get(self, "")


@dataclass(frozen=True)
class Cell:
    value: int
    mark: Mark = Mark.SHOWN

    @property
    def suppressed(self) -> bool:
        return self.mark is not Mark.SHOWN

    @property
    def text(self) -> str:
        """What a reader sees."""
        return str(self.value) if self.mark is Mark.SHOWN else self.mark.text


def bounds(mark: Mark, total: bool) -> tuple[int, float]:
    """What a reader knows of a hidden number from its mark (shown numbers are exact):
    "<5" is 1 to 4; "x" is 5 or more for a cell, but any non-zero count for a total."""
    if mark is Mark.SMALL:
        return 1, THRESHOLD - 1
    return (1 if total else THRESHOLD), float("inf")


# --- the network -----------------------------------------------------------------------

@dataclass
class Arc:
    """One published number: a flow from `tail` to `head`; `total` if it is a sum of others."""
    key: Hashable
    tail: Hashable
    head: Hashable
    value: int
    total: bool
    mark: Mark = Mark.SHOWN


@dataclass
class Network:
    arcs: list[Arc] = field(default_factory=list)
    # The sums a reader sees, as lists of arc indexes, when they are not simply the nodes'
    # (steps 2 and 3 hide more along them; the audit always reads the whole network).
    sums: list[list[int]] | None = None

    def add(self, key: Hashable, tail: Hashable, head: Hashable, value: int, total: bool) -> None:
        if value < 0:
            raise ValueError(f"{key}: counts cannot be negative")
        self.arcs.append(Arc(key, tail, head, value, total))

    def at(self) -> dict[Hashable, list[int]]:
        """Node -> the indexes of its arcs (the numbers of one sum)."""
        nodes: dict[Hashable, list[int]] = {}
        for index, arc in enumerate(self.arcs):
            nodes.setdefault(arc.tail, []).append(index)
            nodes.setdefault(arc.head, []).append(index)
        return nodes

    def shown_sums(self) -> list[list[int]]:
        return list(self.at().values()) if self.sums is None else self.sums


def _order(arc: Arc) -> tuple:
    """The rank of a candidate of steps 2 and 3 (the least is hidden first): a cell before a
    total, then a keyed hash of its key (its repr: strings, numbers, tuples of them, TOTAL).
    Never a value, which the choice would give away to a reader who knows the rule."""
    digest = hashlib.blake2b(repr(arc.key).encode(), key=ORDER_KEY, digest_size=8).digest()
    return arc.total, digest


def _hide_first(arcs: list[Arc], rank: list[tuple], sums_of: dict[int, list[list[int]]],
                candidates: Iterable[int]) -> bool:
    """Hides the first of the shown non-zero `candidates`: one that also gives a second hidden
    number to another sum that has only one (so that fewer are hidden in all), then by `rank`."""
    shown = [i for i in candidates if arcs[i].mark is Mark.SHOWN and arcs[i].value > 0]
    if not shown:
        return False

    def completes(index: int) -> int:
        return sum(sum(arcs[j].mark is not Mark.SHOWN for j in members) == 1 for members in sums_of.get(index, ()))

    arcs[min(shown, key=lambda i: (-completes(i), rank[i]))].mark = Mark.HIDDEN
    return True


def _complete_sums(arcs: list[Arc], rank: list[tuple], sums_of: dict[int, list[list[int]]],
                   sums: list[list[int]]) -> None:
    """Step 2: no sum with exactly one hidden number."""
    changed = True
    while changed:
        changed = False
        for members in sums:
            if sum(arcs[i].mark is not Mark.SHOWN for i in members) == 1:
                changed |= _hide_first(arcs, rank, sums_of, members)


def _steps(arcs: list[Arc]) -> dict[Hashable, list[tuple[Hashable, int, int]]]:
    """The moves a reader cannot rule out: node -> [(next node, arc index, +1 or -1)]."""
    out: dict[Hashable, list[tuple[Hashable, int, int]]] = {}
    for index, arc in enumerate(arcs):
        if arc.mark is Mark.SHOWN:
            continue
        low, high = bounds(arc.mark, arc.total)
        if arc.value + 1 <= high:
            out.setdefault(arc.tail, []).append((arc.head, index, +1))
        if arc.value - 1 >= low:
            out.setdefault(arc.head, []).append((arc.tail, index, -1))
    return out


def _reaches(steps, start: Hashable, goal: Hashable, skip: int) -> bool:
    seen = {start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt, index, _ in steps.get(node, ()):
            if index == skip or nxt in seen:
                continue
            if nxt == goal:
                return True
            seen.add(nxt)
            queue.append(nxt)
    return False


def determined(arcs: list[Arc], among: Iterable[int] | None = None) -> list[int]:
    """The hidden numbers (of `among`, default all) a reader can work out exactly (step 3)."""
    steps = _steps(arcs)
    found = []
    for index in range(len(arcs)) if among is None else sorted(among):
        arc = arcs[index]
        if arc.mark is Mark.SHOWN:
            continue
        low, high = bounds(arc.mark, arc.total)
        up = arc.value + 1 <= high and _reaches(steps, arc.head, arc.tail, index)
        down = not up and arc.value - 1 >= low and _reaches(steps, arc.tail, arc.head, index)
        if not (up or down):
            found.append(index)
    return found


def _layers(sums: list[list[int]], index: int) -> list[list[int]]:
    """The other arcs by distance from arc `index`: first those sharing a sum with it,
    then those sharing a sum with them, and so on."""
    sums_of: dict[int, list[int]] = {}
    for number, members in enumerate(sums):
        for i in members:
            sums_of.setdefault(i, []).append(number)
    frontier = set(sums_of.get(index, ()))
    seen_sums, seen_arcs = set(frontier), {index}
    layers = []
    while frontier:
        layer = list(dict.fromkeys(i for number in sorted(frontier) for i in sums[number] if i not in seen_arcs))
        seen_arcs.update(layer)
        layers.append(layer)
        frontier = {number for i in layer for number in sums_of[i]} - seen_sums
        seen_sums |= frontier
    return layers


def _least(network: Network) -> list[int]:
    """The least each number can be as far as the marks of step 1 tell (counted up to
    THRESHOLD): 0 for a zero, 1 for a count of 1 to 4, THRESHOLD for any other count. A
    total is the sum of the numbers on the other side of a node where it is alone on its
    side (a row total: its cells; the grand total: the column totals, and the row totals):
    the most of those sums. A total that is the sum of nothing shown counts as a cell."""
    arcs = network.arcs
    nodes = network.at()
    parts: dict[int, list[list[int]]] = {}
    for index, arc in enumerate(arcs):
        if not arc.total:
            continue
        for node in (arc.tail, arc.head):
            others = [j for j in nodes[node] if j != index]
            if others and all((arcs[j].tail == node) != (arc.tail == node) for j in others):
                parts.setdefault(index, []).append(others)
    least = [0 if arc.value == 0 else 1 if parts.get(index) or arc.value < THRESHOLD else THRESHOLD
             for index, arc in enumerate(arcs)]
    changed = True
    while changed:  # the grand total is a sum of totals
        changed = False
        for index, groups in parts.items():
            value = min(THRESHOLD, max((sum(least[j] for j in group) for group in groups), default=0))
            if value > least[index]:
                least[index], changed = value, True
    return least


def suppress(network: Network) -> list[Arc]:
    """Mark every arc (steps 1 to 3); returns the arcs."""
    arcs = network.arcs
    sums = network.shown_sums()
    rank = [(*_order(arc), index) for index, arc in enumerate(arcs)]
    sums_of: dict[int, list[list[int]]] = {}
    for members in sums:
        for index in members:
            sums_of.setdefault(index, []).append(members)
    for arc, least in zip(arcs, _least(network), strict=True):
        # A total by the marks of its numbers, not by its value: hidden whenever it could be
        # small (a small one always can).
        small = 0 < least < THRESHOLD if arc.total else 0 < arc.value < THRESHOLD
        arc.mark = Mark.SHOWN if not small else Mark.HIDDEN if arc.total else Mark.SMALL
    # Hiding more only adds ways to move, so a number once shown to move stays so:
    # each round audits only what has not moved yet.
    settled: set[int] = set()
    while True:
        _complete_sums(arcs, rank, sums_of, sums)
        unsettled = {i for i, arc in enumerate(arcs) if arc.mark is not Mark.SHOWN} - settled
        exposed = determined(arcs, unsettled)
        settled |= unsettled - set(exposed)
        if not exposed:
            return arcs
        if not any(_hide_first(arcs, rank, sums_of, layer) for layer in _layers(sums, exposed[0])):
            # Nothing left to hide. Unreachable for a table with its totals (with every non-zero
            # number hidden, each can move); breakdowns of one total can get here (see there).
            return arcs


# --- tables --------------------------------------------------------------------------

def protect(
    rows: Mapping[Hashable, Mapping[Hashable, int]], columns: Sequence[Hashable]
) -> dict[Hashable, dict[Hashable, Cell]]:
    """The table with its totals, each number marked: row -> column -> Cell, with
    TOTAL as the column of each row's total and as the row of the column totals
    (whose TOTAL is the grand total). A row may leave a column out: it counts 0.
    Which numbers are hidden follows the keys and the order of `rows` and `columns`
    (in which the sums are completed), and of the values only which are 0 and which
    1 to 4 (and what the audit finds).
    """
    values: dict[Hashable, dict[Hashable, int]] = {
        row: {column: counts.get(column, 0) for column in columns} for row, counts in rows.items()
    }
    values[TOTAL] = {column: sum(counts[column] for counts in values.values()) for column in columns}
    for counts in values.values():
        counts[TOTAL] = sum(counts[column] for column in columns)

    # Nodes: "source" -> each row -> each column -> "sink" -> "source".
    network = Network()
    for row, counts in values.items():
        if row is TOTAL:
            continue
        network.add((row, TOTAL), "source", ("row", row), counts[TOTAL], total=True)
        for column in columns:
            network.add((row, column), ("row", row), ("column", column), counts[column], total=False)
    for column in columns:
        network.add((TOTAL, column), ("column", column), "sink", values[TOTAL][column], total=True)
    network.add((TOTAL, TOTAL), "sink", "source", values[TOTAL][TOTAL], total=True)

    marked = {arc.key: Cell(arc.value, arc.mark) for arc in suppress(network)}
    return {row: {column: marked[(row, column)] for column in counts} for row, counts in values.items()}


# --- breakdowns of one total ---------------------------------------------------------------

@dataclass(frozen=True)
class Breakdowns:
    total: Cell
    by: dict[Hashable, dict[Hashable, Cell]]  # the breakdowns published, in the order given
    withheld: tuple[Hashable, ...]  # those that could not be published with the others


def protect_breakdowns(total: int, breakdowns: Mapping[Hashable, Mapping[Hashable, int]]) -> Breakdowns:
    """One total broken down several ways (the same intakes by week, by language, ...), the
    total published once and each breakdown as counts that add up to it.

    A reader knows that every breakdown adds up to the same total, so they are protected
    together, in one network: a chain of nodes, breakdown i flowing from node i to node
    i + 1 and the total from the last node back to the first. Each node says that two
    neighbouring breakdowns have the same sum (the first and the last node: that it is the
    total), which is all a reader knows. Steps 2 and 3 hide more along the sums the reader
    sees: each breakdown with the total.

    With few counts the bounds alone can pin a number with nothing left to hide (four
    intakes of one week, "<5", from four sources, each "<5": each source is 1). Then the
    breakdown with the most hidden numbers (of equal ones, the later) is withheld, and the
    others are protected again without it. Which numbers are hidden follows the keys and
    the order of `breakdowns` and of their keys, as in `protect`.
    """
    for name, counts in breakdowns.items():
        if sum(counts.values()) != total:
            raise ValueError(f"{name}: the counts add up to {sum(counts.values())}, not to the total {total}")
    names = list(breakdowns)
    while True:
        network = Network(sums=[])
        for position, name in enumerate(names):
            members = []
            for key, count in breakdowns[name].items():
                members.append(len(network.arcs))
                network.add((name, key), ("node", position), ("node", position + 1), count, total=False)
            network.sums.append(members)
        network.add(TOTAL, ("node", len(names)), ("node", 0), total, total=True)
        for members in network.sums:
            members.append(len(network.arcs) - 1)
        arcs = suppress(network)
        if not names or not determined(arcs):
            break
        hidden = {name: sum(arc.mark is not Mark.SHOWN for arc in arcs if arc.key is not TOTAL and arc.key[0] == name)
                  for name in names}
        names.remove(max(reversed(names), key=hidden.__getitem__))
    cells = {arc.key: Cell(arc.value, arc.mark) for arc in arcs}
    return Breakdowns(
        total=cells[TOTAL],
        by={name: {key: cells[(name, key)] for key in breakdowns[name]} for name in names},
        withheld=tuple(name for name in breakdowns if name not in names),
    )
