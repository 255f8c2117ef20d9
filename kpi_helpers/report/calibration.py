"""The calibration report's parts: the numbers of engine.calibration as charts, tables and sentences."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from kpi_helpers.engine.calibration import (
    band_distribution,
    discuss_first,
    rank_disagreement,
    rater_leniency,
    target_ambition,
)
from kpi_helpers.engine.feedback360 import pm_means
from kpi_helpers.report.i18n import rater_role_name
from kpi_helpers.report.narrative.base import md, num
from kpi_helpers.report.plots.base import GREY, PALETTE, new_figure, no_data
from kpi_helpers.report.tables import Column, html_table


@dataclass
class Calibration:
    """Everything the calibration page shows for one period."""

    bands: pd.DataFrame
    ambition: pd.DataFrame  # pm_id, name, total, band, ambition
    ranks: pd.DataFrame
    raters: pd.DataFrame
    adjusted: pd.DataFrame
    discuss: pd.DataFrame


def calibration(ctx) -> Calibration:
    """The period's calibration views, computed once for the page."""
    ds, period = ctx.ds, ctx.period
    totals = ctx.evaluation.totals
    guideline = dict(ds.company.calibration) if ds.company.calibration else None
    amb = target_ambition(ds.kpis, ds.targets, ctx.actuals, period)
    joined = totals[["pm_id", "total", "band"]].merge(amb, on="pm_id", how="left")
    joined["name"] = [ctx.pm_name(p) for p in joined["pm_id"]]
    ranks = rank_disagreement(totals, pm_means(ds.reviews, period))
    raters, adjusted = rater_leniency(ds.reviews, period)
    discuss = discuss_first(totals, ds.company.bands, amb, ranks, adjusted)
    return Calibration(
        band_distribution(totals, ds.company.bands, guideline),
        joined,
        ranks,
        raters,
        adjusted,
        discuss,
    )


def bands_figure(cal: Calibration, ctx) -> tuple[Figure, str]:
    """Share of PMs per band beside the guideline (when company.yaml gives one)."""
    import seaborn as sns  # here, not at import: seaborn brings scipy

    fig, ax = new_figure(7, 3.6)
    ax.set_title(ctx.t("cal.chart_bands"), loc="left")
    rows = cal.bands.assign(
        band_text=[ctx.band(b) if b else ctx.t("pack.incomplete") for b in cal.bands["band"]]
    )
    long = pd.concat(
        [
            rows.assign(kind=ctx.t("cal.actual"), value=100 * rows["share"]),
            rows.assign(kind=ctx.t("cal.guideline"), value=100 * rows["guideline"]).dropna(
                subset=["value"]
            ),
        ]
    )
    sns.barplot(
        data=long,
        x="band_text",
        y="value",
        hue="kind",
        ax=ax,
        palette=PALETTE[: long["kind"].nunique()],
        errorbar=None,
    )
    ax.set_xlabel("")
    ax.set_ylabel(ctx.t("cal.share_axis"))
    ax.legend(frameon=False, fontsize=9)
    parts = [
        ctx.t("cal.alt_band", band=b, share=num(100 * s, 0), guideline=num(100 * g, 0))
        if pd.notna(g)
        else f"{b} {num(100 * s, 0)}%"
        for b, s, g in zip(rows["band_text"], rows["share"], rows["guideline"], strict=True)
    ]
    return fig, ctx.t("cal.alt_bands", parts="; ".join(parts))


def bands_summary(cal: Calibration, ctx) -> str:
    """One sentence: where the distribution departs most from the guideline."""
    b = cal.bands.dropna(subset=["guideline"])
    if b.empty:
        return ctx.t("cal.no_guideline")
    worst = b.loc[b["difference"].abs().idxmax()]
    if abs(worst["difference"]) < 0.05:
        return ctx.t("cal.bands_ok")
    return ctx.t(
        "cal.bands_off",
        band=ctx.band(worst["band"]),
        share=num(100 * worst["share"], 0),
        guideline=num(100 * worst["guideline"], 0),
    )


def ambition_figure(cal: Calibration, ctx) -> tuple[Figure, str]:
    """Each PM's total against the ambition of their targets: easy targets make high scores cheap."""
    import seaborn as sns  # here, not at import: seaborn brings scipy

    fig, ax = new_figure(7.5, 4.2)
    ax.set_title(ctx.t("cal.chart_ambition"), loc="left")
    data = cal.ambition.dropna(subset=["ambition", "total"])
    if data.empty:
        no_data(ax, ctx.t("plots.no_data"))
        return fig, ctx.t("cal.no_ambition")
    data = data.assign(ambition_pct=100 * data["ambition"])
    sns.scatterplot(data=data, x="ambition_pct", y="total", ax=ax, color=PALETTE[0], s=60)
    for r in data.itertuples(index=False):
        ax.annotate(
            str(r.name),
            (r.ambition_pct, r.total),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=8,
        )
    ax.axvline(0, color=GREY, linewidth=1, linestyle="--")
    ax.set_xlabel(ctx.t("cal.ambition_axis"))
    ax.set_ylabel(ctx.t("plots.points"))
    points = "; ".join(
        f"{r.name} {num(r.ambition_pct, 0)}% / {num(r.total, 1)}"
        for r in data.itertuples(index=False)
    )
    return fig, ctx.t("cal.alt_ambition", points=points)


def ambition_table(cal: Calibration, ctx) -> str:
    rows = cal.ambition.assign(
        band_text=[
            ctx.band(b) if isinstance(b, str) else ctx.t("pack.incomplete")
            for b in cal.ambition["band"]
        ]
    ).sort_values("total", ascending=False)
    cols = [
        Column("name", ctx.t("common.col.pm"), header=True),
        Column("total", ctx.t("pack.col.total"), kind="number", digits=1),
        Column("band_text", ctx.t("common.col.band")),
        Column("ambition", ctx.t("cal.col.ambition"), kind="share", digits=0, signed=True),
        Column("kpis", ctx.t("cal.col.kpis_with_history"), kind="number", digits=0),
    ]
    return html_table(rows, cols, ctx.t("cal.table_ambition", period=ctx.period), ctx.lang)


def ranks_table(cal: Calibration, ctx) -> str:
    r = cal.ranks
    if r.empty:
        return f"<p>{ctx.t('cal.no_reviews')}</p>"
    rows = r.assign(
        name=[ctx.pm_name(p) for p in r["pm_id"]],
        flag=[ctx.t("cal.disagree") if d else "" for d in r["disagree"]],
    ).sort_values("kpi_rank")
    cols = [
        Column("name", ctx.t("common.col.pm"), header=True),
        Column("kpi_rank", ctx.t("cal.col.kpi_rank"), kind="number", digits=0),
        Column("review_rank", ctx.t("cal.col.review_rank"), kind="number", digits=0),
        Column("flag", ctx.t("cal.col.flag")),
    ]
    return html_table(rows, cols, ctx.t("cal.table_ranks", n=len(r)), ctx.lang)


def leniency_figure(cal: Calibration, ctx) -> tuple[Figure, str] | None:
    """Each rater's mean against the overall mean, by role (None without rater ids)."""
    import seaborn as sns  # here, not at import: seaborn brings scipy

    if cal.raters.empty:
        return None
    fig, ax = new_figure(7.5, 3.8)
    ax.set_title(ctx.t("cal.chart_leniency"), loc="left")
    data = cal.raters.assign(role=[rater_role_name(r, ctx.lang) for r in cal.raters["rater_role"]])
    sns.stripplot(
        data=data,
        x="leniency",
        y="role",
        ax=ax,
        palette=PALETTE[: data["role"].nunique()],
        hue="role",
        legend=False,
        size=7,
    )
    ax.axvline(0, color=GREY, linewidth=1)
    ax.set_xlabel(ctx.t("cal.leniency_axis"))
    ax.set_ylabel("")
    spread = data.groupby("role")["leniency"].agg(["min", "max"])
    parts = "; ".join(f"{role} {num(lo, 2)} – {num(hi, 2)}" for role, (lo, hi) in spread.iterrows())
    return fig, ctx.t("cal.alt_leniency", parts=parts)


def adjusted_table(cal: Calibration, ctx) -> str:
    a = cal.adjusted
    if a.empty:
        return f"<p>{ctx.t('cal.no_rater_ids')}</p>"
    rows = a.assign(name=[ctx.pm_name(p) for p in a["pm_id"]]).sort_values(
        "adjusted", ascending=False
    )
    cols = [
        Column("name", ctx.t("common.col.pm"), header=True),
        Column("mean", ctx.t("cal.col.mean"), kind="number", digits=2),
        Column("adjusted", ctx.t("cal.col.adjusted"), kind="number", digits=2),
        Column("shift", ctx.t("cal.col.shift"), kind="number", digits=2, signed=True),
    ]
    return html_table(rows, cols, ctx.t("cal.table_adjusted", period=ctx.period), ctx.lang)


def discuss_list(cal: Calibration, ctx) -> str:
    """The PMs to discuss first, each with the reasons in words (Markdown list)."""
    d = cal.discuss
    if d.empty:
        return ctx.t("cal.nothing_to_discuss")
    lines = []
    for pm_id, g in d.groupby("pm_id", sort=False):
        reasons = [
            ctx.t(f"cal.reason.{k}", **_params(p, ctx))
            for k, p in zip(g["kind"], g["params"], strict=True)
        ]
        sep = "；" if ctx.lang == "zh" else "; "
        lines.append(f"- **{md(ctx.pm_name(pm_id))}**: {sep.join(reasons)}")
    return "\n".join(lines)


def _params(p: dict, ctx) -> dict:
    out = {}
    for k, v in p.items():
        if k == "band":
            out[k] = ctx.band(v)
        elif k == "ambition":  # the sentence says "below", so the size is shown without sign
            out[k] = num(abs(v), 1)
        elif isinstance(v, float) and np.isfinite(v):
            out[k] = num(v, 2 if k == "shift" else 1)
        else:
            out[k] = v
    return out
