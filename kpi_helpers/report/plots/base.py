"""Shared pieces of every chart: a styled empty figure, colours, label wrapping, reference lines."""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import Normalize, TwoSlopeNorm
from matplotlib.figure import Figure

from kpi_helpers.report.fonts import apply_report_style
from kpi_helpers.report.tables import STATUS_STYLE

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
STATUS_COLOURS = {k: colour for k, (_symbol, colour) in STATUS_STYLE.items()}
STATUS_SYMBOLS = {k: symbol for k, (symbol, _colour) in STATUS_STYLE.items()}
SENTIMENT_COLOURS = {"positive": "#009E73", "neutral": "#BBBBBB", "negative": "#D55E00"}
GREY = "#57606a"


def new_figure(width: float, height: float, nrows: int = 1, ncols: int = 1, **kw):
    """A matplotlib Figure (not registered with pyplot, so notebooks never show it twice) and axes."""
    apply_report_style()
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True, **kw)
    return fig, axes


def text_cells(text: str) -> int:
    """Display width: CJK characters count two cells, others one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def wrap(text: str, cells: int = 24, max_lines: int = 2) -> str:
    """Wrap a label at `cells` display cells (CJK-aware), never cutting it.

    A label longer than `max_lines` lines at `cells` is wrapped wider (up to twice `cells`) to
    stay within `max_lines`; past that it takes the lines it needs. The figure's constrained
    layout then sizes the margins to the whole label.
    """
    words = _tokens(str(text))
    lines = _wrap_at(words, cells)
    width = cells
    while len(lines) > max_lines and width < 2 * cells:
        width += 2
        lines = _wrap_at(words, width)
    return "\n".join(lines)


def _wrap_at(words: list[str], cells: int) -> list[str]:
    lines, line = [], ""
    for w in words:
        if line and text_cells(line + w) > cells:
            lines.append(line.rstrip())
            line = w.lstrip()
        else:
            line += w
    lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    """Latin words stay whole (with their trailing space); every CJK character is its own token."""
    out, word = [], ""
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WF":
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        else:
            word += ch
            if ch == " ":
                out.append(word)
                word = ""
    if word:
        out.append(word)
    return out


def score_lines(ax: Axes, threshold: float = 60, target: float = 100, axis: str = "x") -> None:
    """Dashed reference lines at the threshold and target points."""
    line = ax.axvline if axis == "x" else ax.axhline
    line(threshold, color=STATUS_COLOURS["off"], linestyle=":", linewidth=1)
    line(target, color=STATUS_COLOURS["on"], linestyle="--", linewidth=1)


def no_data(ax: Axes, message: str) -> None:
    """An empty axes that says there is nothing to show (instead of a blank chart)."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color=GREY)


def heatmap(
    ax: Axes,
    data: pd.DataFrame,
    *,
    cmap: str,
    vmin: float,
    vmax: float,
    label: str,
    center: float | None = None,
    x_cells: int = 16,
) -> None:
    """An annotated seaborn heat map of a DataFrame on `ax` (empty cells stay blank), with a
    colour bar; with `center`, colours diverge at that value (e.g. 90 points).

    Every value is written in its cell, so the chart reads without telling colours apart.
    """
    import seaborn as sns  # here, not at import: seaborn brings scipy, seconds for every kernel

    values = data.astype(float)
    norm = (
        TwoSlopeNorm(vcenter=center, vmin=vmin, vmax=vmax)
        if center is not None
        else Normalize(vmin=vmin, vmax=vmax)
    )
    sns.heatmap(
        values,
        ax=ax,
        cmap=colormaps[cmap],
        norm=norm,
        mask=values.isna(),
        annot=True,
        fmt=".0f",
        annot_kws={"fontsize": 9},
        cbar_kws={"label": label, "shrink": 0.9},
        xticklabels=False,
        yticklabels=False,
    )
    ax.set_xticks(
        np.arange(values.shape[1]) + 0.5,
        [wrap(c, x_cells, 3) for c in data.columns],
        fontsize=8,
        rotation=0,
    )
    ax.set_yticks(
        np.arange(values.shape[0]) + 0.5, [wrap(r, 30, 1) for r in data.index], fontsize=9
    )
    ax.tick_params(axis="y", rotation=0)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(length=0)
    ax.grid(False)
