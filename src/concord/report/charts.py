"""Charts drawn with matplotlib and kept as inline SVG, so the report needs no script and
no file beside it."""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

from matplotlib.figure import Figure

COLOURS = {"US": "#1f4e79", "UK": "#c00000", "CA": "#e46c0a", "EU": "#2e75b6",
           "AU": "#548235", "UN": "#7f7f7f"}  # fmt: skip


def svg(fig: Figure) -> str:
    """The figure as an `<svg>` element (text kept as text, so it stays small)."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height))
    fig.set_layout_engine("constrained")
    return fig


def timeline_chart(rows: list[dict[str, Any]], column: str, title: str, since: str) -> str:
    """Stacked bars of new designations per quarter and jurisdiction."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        if row["quarter"] != "undated" and row["quarter"] >= since and row[column]:
            counts[row["jurisdiction"]][row["quarter"]] = row[column]
    quarters = sorted({q for per in counts.values() for q in per})
    fig = _figure(10, 3.6)
    ax = fig.add_subplot()
    bottom = [0] * len(quarters)
    for jur in COLOURS:
        if jur not in counts:
            continue
        values = [counts[jur].get(q, 0) for q in quarters]
        ax.bar(range(len(quarters)), values, bottom=bottom, label=jur, color=COLOURS[jur])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    step = max(1, len(quarters) // 16)
    ax.set_xticks(range(0, len(quarters), step), quarters[::step], rotation=45, fontsize=8)
    ax.set_ylabel("new designations (targets)")
    ax.set_title(title, fontsize=11)
    ax.legend(fontsize=8, ncols=len(counts))
    return svg(fig)


def lag_chart(pairs: list[tuple[str, list[dict[str, Any]]]]) -> str:
    """One panel per pair: each case a line from its least to its greatest lag (a dot when
    exact); a side left open by the data runs to the panel's edge."""
    shown = [(label, cases) for label, cases in pairs if cases]
    fig = _figure(10, 2.2 * max(1, len(shown)))
    for index, (label, cases) in enumerate(shown, 1):
        ax = fig.add_subplot(len(shown), 1, index)
        known = [v for c in cases for v in (c["lag_min"], c["lag_max"]) if v is not None]
        lo, hi = (min(known), max(known)) if known else (-1, 1)
        ordered = sorted(cases, key=lambda c: c["lag_min"] if c["lag_min"] is not None else lo)
        for y, case in enumerate(ordered):
            left = case["lag_min"] if case["lag_min"] is not None else lo
            right = case["lag_max"] if case["lag_max"] is not None else hi
            if case["exact"]:
                ax.plot([left], [y], "o", color="#c00000", markersize=3)
            else:
                ax.plot([left, right], [y, y], color="#1f4e79", linewidth=1)
        ax.axvline(0, color="#999999", linewidth=0.8)
        ax.set_title(f"{label}: {len(cases)} targets", fontsize=10)
        ax.set_yticks([])
        ax.set_xlabel("days from first to second designation", fontsize=8)
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
    fig.colorbar(image, ax=ax, label="Jaccard index")
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
