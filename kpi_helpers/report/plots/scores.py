"""Charts of a period's scores and their history: totals and bands, dimensions, KPIs, movers, trends."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from kpi_helpers.report.i18n import t
from kpi_helpers.report.plots.base import (
    GREY,
    PALETTE,
    STATUS_COLOURS,
    STATUS_SYMBOLS,
    heatmap,
    new_figure,
    no_data,
    score_lines,
    wrap,
)
from kpi_helpers.report.report_tables import mark_derived


def _band_edges(ax, bands: list[tuple[str, float]], axis: str = "x") -> None:
    """Thin lines at each band's lower edge, labelled with the band letter."""
    for name, low in bands:
        if not np.isfinite(low):
            continue
        if axis == "x":
            ax.axvline(low, color=GREY, linewidth=0.6, linestyle=":")
            ax.text(
                low,
                1.0,
                f" {name}",
                transform=ax.get_xaxis_transform(),
                fontsize=8,
                color=GREY,
                va="bottom",
            )
        else:
            ax.axhline(low, color=GREY, linewidth=0.6, linestyle=":")
            ax.text(
                1.0,
                low,
                f" {name}",
                transform=ax.get_yaxis_transform(),
                fontsize=8,
                color=GREY,
                va="center",
            )


def pm_totals(totals: pd.DataFrame, bands: list[tuple[str, float]], lang: str = "zh") -> Figure:
    """Each PM's total in points with its band (columns label, total, band), band edges marked."""
    fig, ax = new_figure(9, 0.5 * max(len(totals), 2) + 1.6)
    ax.set_title(t("plots.pm_totals", lang), loc="left", pad=14)
    data = totals.dropna(subset=["total"])
    if data.empty:
        no_data(ax, t("plots.no_data", lang))
        return fig
    y = np.arange(len(data))
    ax.barh(y, data["total"], color=PALETTE[0], height=0.6)
    for yi, v, b in zip(y, data["total"], data["band"], strict=True):
        ax.text(v + 1, yi, f"{v:.1f} · {b}", va="center", fontsize=9)
    ax.set_yticks(y, [wrap(v, 20, 1) for v in data["label"]])
    ax.invert_yaxis()
    ax.set_xlim(0, max(125, float(data["total"].max()) + 15))
    _band_edges(ax, bands)
    ax.set_xlabel(t("plots.points", lang))
    return fig


def kpi_scores(results: pd.DataFrame, title: str, lang: str = "zh") -> Figure:
    """Points per KPI coloured by traffic light with its symbol (columns label, score, status).

    A result computed from customer feedback or reviews (column derived) is marked ※ after its
    KPI, as in the tables, and the title says what the mark means.
    """
    fig, ax = new_figure(9, 0.4 * max(len(results), 2) + 1.6)
    results, title = mark_derived(results, title, lang)
    ax.set_title(title, loc="left")
    if results.empty:
        no_data(ax, t("plots.no_data", lang))
        return fig
    y = np.arange(len(results))
    scores = results["score"].astype(float).fillna(0.0)
    colours = [STATUS_COLOURS.get(s, GREY) for s in results["status"]]
    ax.barh(y, scores, color=colours)
    for yi, v, s in zip(y, results["score"], results["status"], strict=True):
        text = t("plots.missing", lang) if pd.isna(v) else f"{v:.0f}"
        ax.text(
            (0 if pd.isna(v) else v) + 1.5,
            yi,
            f"{STATUS_SYMBOLS.get(s, '')} {text}",
            va="center",
            fontsize=9,
            color=STATUS_COLOURS.get(s, GREY),
        )
    ax.set_yticks(y, [wrap(v, 30, 1) for v in results["label"]], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, 135)
    score_lines(ax)
    ax.set_xlabel(t("plots.points", lang))
    return fig


def contributions(contrib: pd.DataFrame, title: str, lang: str = "zh") -> Figure:
    """What moved a total since the previous period: points per KPI (columns label, contribution)."""
    fig, ax = new_figure(9, 0.4 * max(len(contrib), 2) + 1.5)
    ax.set_title(title, loc="left")
    if contrib.empty:
        no_data(ax, t("plots.no_previous", lang))
        return fig
    y = np.arange(len(contrib))
    v = contrib["contribution"].astype(float).to_numpy()
    ax.barh(y, v, color=[PALETTE[2] if x >= 0 else PALETTE[5] for x in v])
    span = max(float(np.abs(v).max()), 1.0)
    for yi, x in zip(y, v, strict=True):
        ax.text(
            x + (0.03 if x >= 0 else -0.03) * span,
            yi,
            f"{'▲' if x >= 0 else '▼'} {x:+.1f}",
            va="center",
            ha="left" if x >= 0 else "right",
            fontsize=9,
        )
    ax.axvline(0, color=GREY, linewidth=1)
    ax.set_xlim(-span * 1.4, span * 1.4)
    ax.set_yticks(y, [wrap(s, 30, 1) for s in contrib["label"]], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel(t("plots.contribution_axis", lang))
    return fig


def totals_trend(trend: pd.DataFrame, bands: list[tuple[str, float]], lang: str = "zh") -> Figure:
    """Each PM's total across periods (columns period, label, total), band edges marked."""
    fig, ax = new_figure(9, 4.5)
    ax.set_title(t("plots.totals_trend", lang), loc="left")
    if trend.empty or trend["total"].notna().sum() == 0:
        no_data(ax, t("plots.no_data", lang))
        return fig
    periods = list(dict.fromkeys(trend["period"]))
    markers = ["o", "s", "^", "D", "v", "P", "X", "*"]
    for i, (label, g) in enumerate(trend.groupby("label", sort=False)):
        x = [periods.index(p) for p in g["period"]]
        ax.plot(
            x,
            g["total"],
            marker=markers[i % len(markers)],
            color=PALETTE[i % len(PALETTE)],
            label=label,
        )
    ax.set_xticks(range(len(periods)), periods)
    lows = [b for _, b in bands if np.isfinite(b)]
    ax.set_ylim(
        min(float(trend["total"].min()) - 5, min(lows, default=60) - 5),
        max(float(trend["total"].max()) + 5, max(lows, default=100) + 5),
    )
    _band_edges(ax, bands, axis="y")
    ax.set_ylabel(t("plots.points", lang))
    ax.legend(loc="upper left", bbox_to_anchor=(1.04, 1.0), fontsize=9, frameon=False)
    return fig


def score_history(matrix: pd.DataFrame, title: str, lang: str = "zh") -> Figure:
    """KPI x period heat map of points (rows KPI labels, columns periods), values written in."""
    fig, ax = new_figure(
        min(4 + 1.0 * max(len(matrix.columns), 1), 13), 0.4 * max(len(matrix), 2) + 1.8
    )
    ax.set_title(title, loc="left")
    if matrix.empty:
        no_data(ax, t("plots.no_data", lang))
        return fig
    heatmap(
        ax,
        matrix.astype(float),
        cmap="RdYlBu",
        vmin=40,
        vmax=120,
        center=90,
        label=t("plots.points", lang),
    )
    return fig
