"""Charts drawn with matplotlib and kept as inline SVG, so the report needs no script and
no file beside it."""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

COLOURS = {"US": "#1f4e79", "UK": "#c00000", "CA": "#e46c0a", "EU": "#2e75b6",
           "AU": "#548235", "UN": "#7f7f7f"}  # fmt: skip
EXACT, RANGE = "#c00000", "#1f4e79"  # lag chart: a dot for an exact lag, a bar for a range


def svg(fig: Figure) -> str:
    """The figure as an `<svg>` element, its text kept as `<text>` (small, searchable, and
    copied as text from the PDF)."""
    buffer = io.StringIO()
    with rc_context({"svg.fonttype": "none"}):
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height))
    fig.set_layout_engine("constrained")
    return fig


def quarters_between(first: str, last: str) -> list[str]:
    """Every quarter from `first` to `last`, both included: a time axis skips none.

    >>> quarters_between("2018Q4", "2019Q2")
    ['2018Q4', '2019Q1', '2019Q2']
    """
    year, quarter = int(first[:4]), int(first[5])
    out = []
    while f"{year}Q{quarter}" <= last:
        out.append(f"{year}Q{quarter}")
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return out


def quarter_axis(rows: list[dict[str, Any]], column: str, since: str) -> list[str]:
    """The quarters a timeline chart shows: from the first quarter since `since` with a
    designation in `column` to the last, every quarter between included (empty ones too)."""
    held = sorted(r["quarter"] for r in rows if r["quarter"] != "undated"
                  and r["quarter"] >= since and r[column])  # fmt: skip
    return quarters_between(held[0], held[-1]) if held else []


def timeline_chart(rows: list[dict[str, Any]], column: str, title: str, since: str) -> str:
    """Stacked bars of new designations per quarter and jurisdiction, on a continuous
    quarter axis, the y axis reaching above the tallest bar and the legend outside the bars."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        if row["quarter"] != "undated" and row["quarter"] >= since and row[column]:
            counts[row["jurisdiction"]][row["quarter"]] = row[column]
    quarters = quarter_axis(rows, column, since)
    fig = _figure(10, 3.8)
    ax = fig.add_subplot()
    bottom = [0] * len(quarters)
    for jur in COLOURS:
        if jur not in counts:
            continue
        values = [counts[jur].get(q, 0) for q in quarters]
        ax.bar(range(len(quarters)), values, bottom=bottom, label=jur, color=COLOURS[jur])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xticks(range(len(quarters)), quarters, rotation=90, fontsize=7)
    ax.set_xlim(-0.6, len(quarters) - 0.4)
    ax.set_ylim(0, max([*bottom, 1]) * 1.08)
    ax.set_xlabel("quarter of the listing date", fontsize=9)
    ax.set_ylabel("new designations (targets)", fontsize=9)
    ax.set_title(title, fontsize=11)
    if counts:
        ax.legend(title="jurisdiction", fontsize=8, title_fontsize=8, loc="upper left",
                  bbox_to_anchor=(1.0, 1.0), frameon=False)  # fmt: skip
    return svg(fig)


def _lag_legend() -> list[Line2D]:
    return [
        Line2D([], [], color=EXACT, marker="o", linestyle="", markersize=4,
               label="exact: both listing dates known"),
        Line2D([], [], color=RANGE, linewidth=1.5,
               label="range: a date known only as an interval"),
    ]  # fmt: skip


def lag_chart(pairs: list[tuple[str, list[dict[str, Any]]]]) -> str:
    """One panel per pair: each case (a target both designate) a row, a dot at its lag when
    exact, else a bar from its least to its greatest lag; a side left open by the data runs
    to the panel's edge. Panels with every case on one range say so."""
    shown = [(label, cases) for label, cases in pairs if cases]
    fig = _figure(10, 0.8 + 2.2 * max(1, len(shown)))
    for index, (label, cases) in enumerate(shown, 1):
        ax = fig.add_subplot(len(shown), 1, index)
        known = [v for c in cases for v in (c["lag_min"], c["lag_max"]) if v is not None]
        lo, hi = (min(known), max(known)) if known else (-1, 1)
        ordered = sorted(cases, key=lambda c: c["lag_min"] if c["lag_min"] is not None else lo)
        for y, case in enumerate(ordered):
            left = case["lag_min"] if case["lag_min"] is not None else lo
            right = case["lag_max"] if case["lag_max"] is not None else hi
            if case["exact"]:
                ax.plot([left], [y], "o", color=EXACT, markersize=3)
            else:
                ax.plot([left, right], [y, y], color=RANGE, linewidth=1)
        ax.axvline(0, color="#999999", linewidth=0.8)
        spans = {(c["lag_min"], c["lag_max"]) for c in cases}
        same = " (every case on the same range: the lists' dates bound the lag no closer)" if (
            len(spans) == 1 and len(cases) > 1 and not cases[0]["exact"]) else ""  # fmt: skip
        ax.set_title(f"{label}: {len(cases)} targets{same}", fontsize=10)
        ax.set_yticks([])
        ax.set_ylim(-1, len(cases))
        ax.set_ylabel("targets,\none row each", fontsize=8)
        ax.set_xlabel("days from the first to the second designation (negative: the second "
                      "came first)", fontsize=8)  # fmt: skip
    fig.suptitle("Lag between designations, per pair of jurisdictions", fontsize=11)
    fig.legend(handles=_lag_legend(), loc="outside lower center", ncols=2, fontsize=8,
               frameon=False)  # fmt: skip
    return svg(fig)


def heatmap(
    labels: list[str], matrix: list[list[float]], counts: list[list[int]], title: str
) -> str:
    """A jurisdiction x jurisdiction heat map of Jaccard indexes, annotated with counts."""
    fig = _figure(5.5, 4.5)
    ax = fig.add_subplot()
    image = ax.imshow(matrix, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    for i in range(len(labels)):
        for j in range(len(labels)):
            colour = "white" if matrix[i][j] > 0.5 else "black"
            ax.text(j, i, f"{matrix[i][j]:.2f}\n({counts[i][j]})", ha="center", va="center",
                    fontsize=8, color=colour)  # fmt: skip
    fig.colorbar(image, ax=ax, label="Jaccard index (targets in both / in either)")
    ax.set_xlabel("jurisdiction", fontsize=9)
    ax.set_ylabel("jurisdiction", fontsize=9)
    ax.set_title(title, fontsize=10)
    return svg(fig)


def alignment_heatmap(rows: list[dict[str, Any]], held: list[str], title: str) -> str:
    """The heat map of alignment rows (pairs of jurisdictions with their Jaccard index and
    counts) over the jurisdictions `held`."""
    index = {j: i for i, j in enumerate(held)}
    matrix = [[1.0 if i == j else 0.0 for j in held] for i in held]
    counts = [[0 for _ in held] for _ in held]
    for row in rows:
        i, j = index[row["a"]], index[row["b"]]
        matrix[i][j] = matrix[j][i] = row["jaccard"]
        counts[i][j] = counts[j][i] = row["both"]
        counts[i][i], counts[j][j] = row["count_a"], row["count_b"]
    return heatmap(held, matrix, counts, title)
