"""Small-count suppression for a table published with its totals (pure).

A count of 1 to 4 is *small*: shown as "<5" (primary suppression), so that a
small group cannot be singled out. Totals would give it back: in a row of 12
whose other cells show 9, the hidden cell is 3. So more is hidden (secondary
suppression, shown as "x", always 5 or more):

1. every count of 1 to 4 is small, totals included;
2. a row or column (or any other sum the table shows) with exactly one hidden
   number gets a second one: its smallest other non-zero number; repeated until
   no sum has exactly one;
3. the audit: each hidden number must have at least two values that agree with
   everything shown, reading "<5" as 1 to 4 and "x" as 5 or more (the row of
   100, <5, <5, 50 with total 152 passes step 2, yet both are 1). If one has a
   single possible value, the smallest shown non-zero number nearest to it is
   hidden as well, and it starts again from step 2.

Zeros are shown: a zero is not a small group.

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
with its mark. The guarantee holds for one table; two tables of overlapping
periods can still be compared by a reader.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum

THRESHOLD = 5
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


def _hide_smallest(arcs: list[Arc], candidates: list[int]) -> bool:
    shown = [i for i in candidates if arcs[i].mark is Mark.SHOWN and arcs[i].value > 0]
    if not shown:
        return False
    arcs[min(shown, key=lambda i: (arcs[i].value, i))].mark = Mark.HIDDEN
    return True


def _complete_sums(arcs: list[Arc], nodes: dict[Hashable, list[int]]) -> None:
    """Step 2: no sum with exactly one hidden number."""
    changed = True
    while changed:
        changed = False
        for members in nodes.values():
            if sum(arcs[i].mark is not Mark.SHOWN for i in members) == 1:
                changed |= _hide_smallest(arcs, members)


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


def _layers(arcs: list[Arc], nodes: dict[Hashable, list[int]], index: int) -> list[list[int]]:
    """The other arcs by distance from arc `index`: first those sharing a sum with it,
    then those sharing a sum with them, and so on."""
    frontier = {arcs[index].tail, arcs[index].head}
    seen_nodes, seen_arcs = set(frontier), {index}
    layers = []
    while frontier:
        layer = [i for node in frontier for i in nodes[node] if i not in seen_arcs]
        layer = list(dict.fromkeys(layer))
        seen_arcs.update(layer)
        layers.append(layer)
        frontier = {end for i in layer for end in (arcs[i].tail, arcs[i].head)} - seen_nodes
        seen_nodes |= frontier
    return layers


def suppress(network: Network) -> list[Arc]:
    """Mark every arc (steps 1 to 3); returns the arcs."""
    arcs = network.arcs
    nodes = network.at()
    for arc in arcs:
        small = 0 < arc.value < THRESHOLD
        arc.mark = Mark.SHOWN if not small else Mark.HIDDEN if arc.total else Mark.SMALL
    # Hiding more only adds ways to move, so a number once shown to move stays so:
    # each round audits only what has not moved yet.
    settled: set[int] = set()
    while True:
        _complete_sums(arcs, nodes)
        unsettled = {i for i, arc in enumerate(arcs) if arc.mark is not Mark.SHOWN} - settled
        exposed = determined(arcs, unsettled)
        settled |= unsettled - set(exposed)
        if not exposed:
            return arcs
        if not any(_hide_smallest(arcs, layer) for layer in _layers(arcs, nodes, exposed[0])):
            return arcs  # unreachable: with every non-zero number hidden, each can move


# --- tables --------------------------------------------------------------------------

def protect(
    rows: Mapping[Hashable, Mapping[Hashable, int]], columns: Sequence[Hashable]
) -> dict[Hashable, dict[Hashable, Cell]]:
    """The table with its totals, each number marked: row -> column -> Cell, with
    TOTAL as the column of each row's total and as the row of the column totals
    (whose TOTAL is the grand total). A row may leave a column out: it counts 0.
    Which of two equal numbers is hidden follows the order of `rows` and `columns`.
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
