"""Charts of customer feedback: volumes, NPS/CSAT/CES with intervals, themes and sentiment."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from kpi_helpers.report.i18n import channel_name, t
from kpi_helpers.report.plots.base import (
    GREY,
    PALETTE,
    SENTIMENT_COLOURS,
    new_figure,
    no_data,
    wrap,
)

# metric -> (scale to the shown unit, axis label key)
_METRICS = {
    "nps": (1.0, "plots.nps_axis"),
    "csat": (100.0, "plots.csat_axis"),
    "ces": (1.0, "plots.ces_axis"),
}


def feedback_volume(counts: pd.DataFrame, lang: str = "zh") -> Figure:
    """Feedback rows per period stacked by a group (rows periods, columns group labels)."""
    fig, ax = new_figure(9, 4)
    ax.set_title(t("plots.feedback_volume", lang), loc="left")
    if counts.empty:
        no_data(ax, t("plots.no_data", lang))
        return fig
    bottom = np.zeros(len(counts))
    for i, col in enumerate(counts.columns):
        v = counts[col].to_numpy(dtype=float)
        ax.bar(
            range(len(counts)),
            v,
            bottom=bottom,
            color=PALETTE[i % len(PALETTE)],
            label=wrap(channel_name(col, lang), 20, 1),
            edgecolor="white",
        )
        bottom += v
    for x, total in enumerate(bottom):
        ax.text(x, total, f"{total:,.0f}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(counts)), list(counts.index))
    ax.set_ylabel(t("plots.responses", lang))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return fig


def metric_intervals(by_period: pd.DataFrame, period: str, lang: str = "zh") -> Figure:
    """NPS, CSAT and CES per period, each with its 95 % interval; the report's period highlighted.

    `by_period` is feedback_metrics(..., by=["period"]) (csat as a share 0..1).
    """
    fig, axes = new_figure(12, 3.8, 1, 3)
    fig.suptitle(t("plots.metric_intervals", lang), x=0.01, ha="left")
    periods = list(by_period["period"]) if len(by_period) else []
    for ax, (metric, (scale, label)) in zip(axes, _METRICS.items(), strict=True):
        ax.set_title(t(f"plots.metric_{metric}", lang), loc="left", fontsize=10)
        if metric not in by_period or by_period[metric].notna().sum() == 0:
            no_data(ax, t("plots.no_data", lang))
            continue
        v = by_period[metric].astype(float).to_numpy() * scale
        lo = by_period[f"{metric}_low"].astype(float).to_numpy() * scale
        hi = by_period[f"{metric}_high"].astype(float).to_numpy() * scale
        x = np.arange(len(periods))
        colours = [PALETTE[5] if p == period else PALETTE[0] for p in periods]
        err = np.vstack([np.nan_to_num(v - lo), np.nan_to_num(hi - v)])
        ax.errorbar(x, v, yerr=err, fmt="none", ecolor=GREY, capsize=3, linewidth=1)
        ax.plot(x, v, color=PALETTE[0], linewidth=1, alpha=0.5)
        ax.scatter(x, v, c=colours, zorder=3, s=28)
        if period in periods:
            i = periods.index(period)
            ax.annotate(
                f"{v[i]:.1f}",
                (x[i], v[i]),
                textcoords="offset points",
                xytext=(6, 6),
                fontsize=9,
                color=PALETTE[5],
            )
        ax.set_xticks(x, periods, rotation=45, ha="right", fontsize=8)
        ax.set_ylabel(t(label, lang), fontsize=9)
    return fig


def theme_bars(themes: pd.DataFrame, title: str, lang: str = "zh") -> Figure:
    """Share of comments per theme, bars coloured by the theme's negative share.

    Columns label, share (0..1), negative (0..1). The negative share is written beside each bar.
    """
    fig, ax = new_figure(9, 0.42 * max(len(themes), 2) + 1.5)
    ax.set_title(title, loc="left")
    if themes.empty:
        no_data(ax, t("plots.no_data", lang))
        return fig
    y = np.arange(len(themes))
    share = 100 * themes["share"].astype(float).to_numpy()
    neg = themes["negative"].astype(float).fillna(0).to_numpy()
    colours = [SENTIMENT_COLOURS["negative"] if n >= 0.5 else PALETTE[0] for n in neg]
    ax.barh(y, share, color=colours)
    for yi, s, n in zip(y, share, neg, strict=True):
        ax.text(
            s + 0.3,
            yi,
            t("plots.theme_bar_label", lang, share=f"{s:.0f}", neg=f"{100 * n:.0f}"),
            va="center",
            fontsize=8,
        )
    ax.set_yticks(y, [wrap(v, 24, 1) for v in themes["label"]], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, max(float(share.max()) * 1.45, 5))
    ax.set_xlabel(t("plots.share_of_comments", lang))
    return fig


def sentiment_shares(by_period: pd.DataFrame, lang: str = "zh") -> Figure:
    """Positive / neutral / negative shares of commented feedback per period (100 % bars)."""
    fig, ax = new_figure(9, 3.8)
    ax.set_title(t("plots.sentiment_shares", lang), loc="left")
    cols = ["positive", "neutral", "negative"]
    data = by_period.dropna(subset=[c for c in cols if c in by_period]) if len(by_period) else None
    if data is None or data.empty or not set(cols) <= set(data.columns):
        no_data(ax, t("plots.no_data", lang))
        return fig
    bottom = np.zeros(len(data))
    hatches = {"positive": "", "neutral": "..", "negative": "//"}
    for c in cols:
        v = 100 * data[c].astype(float).to_numpy()
        ax.bar(
            range(len(data)),
            v,
            bottom=bottom,
            color=SENTIMENT_COLOURS[c],
            hatch=hatches[c],
            edgecolor="white",
            label=t(f"common.sentiment.{c}", lang),
        )
        for x, (b, h) in enumerate(zip(bottom, v, strict=True)):
            if h >= 8:
                ax.text(x, b + h / 2, f"{h:.0f}%", ha="center", va="center", fontsize=8)
        bottom += v
    ax.set_xticks(range(len(data)), list(data["period"]))
    ax.set_ylim(0, 100)
    ax.set_ylabel(t("plots.share_pct", lang))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False)
    return fig
