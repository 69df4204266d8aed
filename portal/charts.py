"""Server-rendered SVG bar charts: no script, no CDN, readable without colour."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Bar:
    label: str
    value: int  # the bar's length
    text: str  # what is written after the bar
    # A hidden count is drawn as a short pale stub, the same whatever it is: its
    # length would give it away.
    hidden: bool = False


HIDDEN_SHARE = 0.04  # of the bar area: a stub, not a size


def bar_chart(bars: list[Bar], title: str, label_width: int = 170) -> Markup:
    """Horizontal bars, one per row, scaled to the longest shown one."""
    row, bar_width = 22, 300
    height = row * max(len(bars), 1) + 10
    top = max([bar.value for bar in bars if not bar.hidden] + [1])
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" '
        f'viewBox="0 0 {label_width + bar_width + 60} {height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for index, bar in enumerate(bars):
        y = 5 + index * row
        length = bar_width * (HIDDEN_SHARE if bar.hidden else bar.value / top)
        fill = "#9db3c8" if bar.hidden else "#1d5b8f"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end" font-size="12">{escape(bar.label)}</text>'
            f'<rect x="{label_width}" y="{y + 2}" width="{length:.1f}" height="{row - 6}" fill="{fill}"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 14}" font-size="12">{escape(bar.text)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
