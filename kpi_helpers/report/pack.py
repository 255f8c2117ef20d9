"""A PM's review pack: the parts of `pm/<pm_id>.html` that carry the review conversation.

Each function takes the report context of one PM (`ctx.pm` set) and returns what the page
shows: Markdown, HTML, or a figure with its alt text. Nothing here names another PM: the PM is
compared with company aggregates only (means and ranks as numbers).
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from kpi_helpers.engine.checkins import current_period, forecast_checkins
from kpi_helpers.engine.feedback360 import POOLED, pm_means, score_summary, visible_comments
from kpi_helpers.engine.final_score import final_scores
from kpi_helpers.report import views
from kpi_helpers.report.findings_text import finding_text
from kpi_helpers.report.i18n import product_name, rater_role_name
from kpi_helpers.report.labels import kpi_labels
from kpi_helpers.report.narrative.base import join, md, num, signed
from kpi_helpers.report.plots.scores import totals_trend
from kpi_helpers.report.report_tables import _c, mark_derived
from kpi_helpers.report.tables import Column, html_table


def headline(ctx) -> str:
    """Total, band (or incomplete), coverage, change since last period and rank among N."""
    totals = ctx.evaluation.totals
    row = totals[totals["pm_id"] == ctx.pm]
    if row.empty:
        return ctx.t("pack.no_kpis", period=ctx.period)
    r = row.iloc[0]
    ranked = totals.dropna(subset=["total"]).sort_values("total", ascending=False)
    rank = int((ranked["total"] > r["total"]).sum()) + 1 if pd.notna(r["total"]) else None
    before = ctx.previous_totals
    change = None
    if before is not None and ctx.pm in set(before["pm_id"]):
        change = float(r["total"]) - float(before.set_index("pm_id").loc[ctx.pm, "total"])
    band = ctx.band(r["band"]) if isinstance(r["band"], str) else ctx.t("pack.incomplete")
    parts = [
        ctx.t(
            "pack.headline",
            total=num(r["total"], 1),
            band=band,
            coverage=num(100 * float(r["coverage"]), 0),
            rank=rank if rank is not None else "–",
            n=len(ranked),
        )
    ]
    if change is not None:
        parts.append(ctx.t("pack.change", change=signed(change, 1), previous=ctx.previous))
    return " ".join(parts) if ctx.lang == "en" else "".join(parts)


def history(ctx) -> tuple[Figure, str, str]:
    """The PM's total in every period with the band lines: (figure, alt text, table HTML)."""
    trend = views.totals_trend(ctx.evaluations)
    mine = trend[trend["pm_id"] == ctx.pm].assign(label=ctx.pm_name(ctx.pm))
    fig = totals_trend(mine, ctx.ds.company.bands, ctx.lang)
    points = ", ".join(
        f"{p} {num(v, 1)}" for p, v in zip(mine["period"], mine["total"], strict=True)
    )
    alt = ctx.t("pack.alt_history", name=ctx.pm_name(ctx.pm), points=points)
    table = mine.assign(
        band_text=[ctx.band(b) if isinstance(b, str) else "–" for b in mine["band"]]
    )
    cols = [
        Column("period", ctx.t("pack.col.period"), header=True),
        Column("total", ctx.t("pack.col.total"), kind="number", digits=1),
        Column("band_text", ctx.t("common.col.band")),
    ]
    return fig, alt, html_table(table, cols, ctx.t("pack.table_history"), ctx.lang)


def kpi_notes(ctx) -> str:
    """This period's KPI results with the note written beside each actual."""
    card = views.kpi_results(ctx.for_pm(ctx.evaluation.card), ctx.ds.company.policy)
    notes = ctx.ds.actuals[ctx.ds.actuals["period"] == ctx.period]
    note_of = dict(zip(notes["kpi_id"], notes.get("note", pd.Series(dtype=str)), strict=False))
    names = kpi_labels(ctx.ds.kpis, ctx.lang)
    rows = card.assign(
        label=[names.get(k, k) for k in card["kpi_id"]],
        note=[note_of.get(k) if isinstance(note_of.get(k), str) else "" for k in card["kpi_id"]],
    )
    cols = [
        _c("label", ctx.lang, "kpi", header=True),
        _c("actual", ctx.lang, kind="number", unit_key="unit"),
        _c("target", ctx.lang, kind="number", unit_key="unit"),
        _c("score", ctx.lang, kind="number", digits=1),
        _c("status", ctx.lang, kind="status"),
        Column("note", ctx.t("pack.col.note")),
    ]
    rows, caption = mark_derived(rows, ctx.t("pack.table_notes", period=ctx.period), ctx.lang)
    return html_table(rows, cols, caption, ctx.lang)


def findings(ctx, review) -> str:
    """The review findings about this PM or their KPIs, one sentence each."""
    f = review.findings
    own = set(ctx.ds.kpis.loc[ctx.ds.kpis["owner"] == ctx.pm, "kpi_id"])
    mine = f[(f["pm_id"] == ctx.pm) | f["kpi_id"].isin(own)]
    if mine.empty:
        return ctx.t("pack.no_findings")
    return "\n".join(
        f"- {md(finding_text(k, p, ctx.lang))}"
        for k, p in zip(mine["kind"], mine["params"], strict=True)
    )


def reviews_360(ctx) -> str:
    """360 means per dimension and role against the company mean, and the comments anonymity allows."""
    reviews = ctx.ds.reviews
    summary = score_summary(reviews, ctx.period, ctx.pm)
    if summary.empty:
        return ctx.t("pack.no_reviews", period=ctx.period)
    table = summary.assign(
        dimension_text=[ctx.dimension(d) for d in summary["dimension"]],
        role_text=[rater_role_name(r, ctx.lang) for r in summary["rater_role"]],
    )
    cols = [
        Column("dimension_text", ctx.t("common.col.dimension"), header=True),
        Column("role_text", ctx.t("pack.col.role")),
        Column("mean", ctx.t("pack.col.mean"), kind="number", digits=2),
        Column("company_mean", ctx.t("pack.col.company_mean"), kind="number", digits=2),
        Column("n", ctx.t("pack.col.scores"), kind="number", digits=0),
    ]
    out = [html_table(table, cols, ctx.t("pack.table_360", period=ctx.period), ctx.lang)]
    comments = visible_comments(reviews, ctx.period, ctx.pm)
    for role, group in comments.shown.groupby("role", sort=False):
        label = ctx.t("pack.role.other") if role == POOLED else rater_role_name(role, ctx.lang)
        items = "".join(
            f"<li>{html.escape(str(c))} <small>({html.escape(ctx.dimension(d))})</small></li>"
            for c, d in zip(group["comment"], group["dimension"], strict=True)
        )
        out.append(f"<h3>{html.escape(label)}</h3><ul>{items}</ul>")
    if comments.withheld:
        out.append(f"<p>{html.escape(ctx.t('pack.withheld', n=comments.withheld))}</p>")
    return "\n".join(out)


def assessments(ctx) -> str:
    """The PM's self-assessment and the manager's comments for the period."""
    a = ctx.ds.assessments
    mine = a[(a["period"] == ctx.period) & (a["pm_id"] == ctx.pm)]
    if mine.empty:
        return ctx.t("pack.no_assessments", period=ctx.period)
    blocks = []
    for author in ("self", "manager"):
        for r in mine[mine["author"] == author].itertuples(index=False):
            rating = (
                f" ({ctx.t('pack.rating', rating=num(r.rating, 1))})" if pd.notna(r.rating) else ""
            )
            blocks.append(f"**{ctx.t(f'pack.author.{author}')}**{rating}: {md(r.text)}")
    return "\n\n".join(blocks)


def final_score(ctx) -> str:
    """The final rating beside the KPI total, with its parts, when company.yaml asks for one."""
    weights = dict(ctx.ds.company.final_score)
    if set(weights) == {"kpi"}:
        return ""
    a = ctx.ds.assessments
    self_rows = a[(a["period"] == ctx.period) & (a["author"] == "self")]
    self_rating = self_rows.dropna(subset=["rating"]).groupby("pm_id")["rating"].mean()
    scores = final_scores(
        ctx.evaluation.totals, pm_means(ctx.ds.reviews, ctx.period), self_rating, weights
    ).set_index("pm_id")
    if ctx.pm not in scores.index or np.isnan(scores.loc[ctx.pm, "final"]):
        return ""
    r = scores.loc[ctx.pm]
    parts = ctx.t("common.list_join").join(
        ctx.t(f"pack.part.{p}", points=num(r[f"{p}_points"], 1), weight=num(weights[p], 0))
        for p in str(r["parts"]).split(";")
    )
    return ctx.t("pack.final", final=num(r["final"], 1), parts=parts)


def next_targets(ctx, review) -> str:
    """Next period's proposed levels for the PM's KPIs, with the reason for each."""
    p = review.proposal
    mine = p[p["pm_id"] == ctx.pm]
    names = kpi_labels(ctx.ds.kpis, ctx.lang)
    rows = mine.assign(
        label=[names.get(k, k) for k in mine["kpi_id"]],
        reason_text=[
            finding_text(k, prm, ctx.lang)
            for k, prm in zip(mine["reason_kind"], mine["params"], strict=True)
        ],
    )
    cols = [
        _c("label", ctx.lang, "kpi", header=True),
        Column("old_target", ctx.t("pack.col.current_target"), kind="number", unit_key="unit"),
        _c("threshold", ctx.lang, kind="number", unit_key="unit"),
        _c("target", ctx.lang, kind="number", unit_key="unit"),
        _c("stretch", ctx.lang, kind="number", unit_key="unit"),
        Column("reason_text", ctx.t("pack.col.reason")),
    ]
    caption = ctx.t("pack.table_next", next_period=review.next_period)
    return html_table(rows, cols, caption, ctx.lang)


def checkins(ctx) -> str:
    """The current period's latest check-in and forecast per KPI of this PM (empty when none)."""
    ds = ctx.ds
    current = current_period(ds.checkins, ds.periods, ds.company.cadence)
    if current is None:
        return ""
    ever_mine = ds.kpis.loc[ds.kpis["owner"] == ctx.pm, "kpi_id"]  # only these can be mine now
    own = ds.checkins[ds.checkins["kpi_id"].isin(ever_mine)] if ds.checkins is not None else None
    f = forecast_checkins(own, ds.kpis, ds.targets, current)
    mine = f[f["owner"] == ctx.pm]
    if mine.empty:
        return ""
    names = kpi_labels(ds.kpis, ctx.lang)
    units = ds.kpis.set_index("kpi_id")["unit"]
    rows = mine.assign(
        label=[names.get(k, k) for k in mine["kpi_id"]],
        unit=[units.get(k, "") for k in mine["kpi_id"]],
        status_text=[ctx.t(f"pack.status.{s}") for s in mine["status"]],
        note=[n if isinstance(n, str) else "" for n in mine["note"]],
    )
    cols = [
        _c("label", ctx.lang, "kpi", header=True),
        Column("last_date", ctx.t("pack.col.last_date")),
        Column("last_value", ctx.t("pack.col.last_value"), kind="number", unit_key="unit"),
        Column("forecast", ctx.t("pack.col.forecast"), kind="number", unit_key="unit"),
        _c("target", ctx.lang, kind="number", unit_key="unit"),
        Column("status_text", ctx.t("pack.col.outlook")),
        Column("note", ctx.t("pack.col.note")),
    ]
    counts = mine["status"].value_counts()
    lead = ctx.t(
        "pack.checkins_summary",
        period=current,
        on=int(counts.get("on_track", 0)),
        risk=int(counts.get("at_risk", 0)),
        off=int(counts.get("off_track", 0)),
    )
    table = html_table(rows, cols, ctx.t("pack.table_checkins", period=current), ctx.lang)
    return f"<p>{html.escape(lead)}</p>\n{table}"


SHARED_EVIDENCE = 16  # product sets whose customer evidence a kernel keeps for the next PM


def customers(ctx, top: int = 3) -> tuple[tuple[Figure, str] | None, str]:
    """Customer evidence for the PM's products: NPS / CSAT by period with intervals, and the
    most negative themes of this period's comments with one example each."""
    from kpi_helpers.report.feedback_view import pm_products
    from kpi_helpers.report.plots.feedback import metric_intervals

    by_period, now, worst, theme_names = _evidence(ctx, top)
    if by_period.empty:
        return None, ctx.t("pack.no_feedback")
    fig = metric_intervals(by_period, ctx.period, ctx.lang)
    lines = []
    products = [md(product_name(p, ctx.lang)) for p in pm_products(ctx.ds, ctx.pm)]
    if products:
        lines.append(ctx.t("pack.products", products=join(products, ctx.lang)))
    if now is not None:
        lines.append(
            ctx.t(
                "pack.customers",
                n=int(now["n"]),
                nps=num(now["nps"], 1),
                low=num(now["nps_low"], 1),
                high=num(now["nps_high"], 1),
                csat=num(100 * now["csat"], 1) if pd.notna(now["csat"]) else "–",
            )
        )
    for key, theme, negative, n, example in worst:
        names = theme_names.get(key)
        name = names[0 if ctx.lang == "zh" else 1] if names else theme
        line = ctx.t("pack.theme", theme=md(name), negative=num(100 * negative, 0), n=int(n))
        if example:
            space = "" if ctx.lang == "zh" else " "
            line += space + ctx.t("pack.theme_example", example=md(example))
        lines.append("- " + line)
    alt = ctx.t("pack.alt_customers", periods=len(by_period))
    return (fig, alt), "\n".join(lines)


def _evidence(ctx, top: int) -> tuple:
    """(metrics by period, this period's row, the `top` most negative themes as (key, name,
    negative share, comments, a negative example), theme names) of the PM's products: made
    once per product set and period in a kernel, since PMs who share products share it."""
    from kpi_helpers.report.feedback_view import feedback_view, pm_products

    key = ("pack.customers", ctx.period, pm_products(ctx.ds, ctx.pm), top)
    if key in ctx.shared:
        ctx.shared.move_to_end(key)
        return ctx.shared[key]
    # the pack quotes its own negative example per theme: the themes' typical comments are not
    # picked
    view = feedback_view(ctx.ds, ctx.period, ctx.pm, analysed=ctx.feedback_analysed, examples=False)
    worst = []
    themes = view.themes
    if len(themes) and "negative" in themes:
        current = view.rows[view.rows["period"] == ctx.period]
        rows = themes[themes["n"] >= 5].sort_values("negative", ascending=False).head(top)
        worst = [
            (r.key, r.theme, r.negative, r.n, _negative_example(current, r.terms))
            for r in rows.itertuples(index=False)
        ]
    ctx.shared[key] = (view.by_period, view.now, worst, view.theme_names)
    while len(ctx.shared) > SHARED_EVIDENCE:
        ctx.shared.popitem(last=False)
    return ctx.shared[key]


def _negative_example(rows: pd.DataFrame, terms) -> str:
    """The most negative comment of `rows` that mentions one of a theme's terms ("" if none)."""
    if rows.empty or not len(terms):
        return ""
    text = rows["text"].astype("string").fillna("")
    lowered = text.str.lower()
    hit = pd.Series(False, index=rows.index)
    for term in terms:
        hit |= lowered.str.contains(str(term).lower(), regex=False)
    negative = rows[
        hit.to_numpy(dtype=bool) & (rows["sentiment"] == "negative").to_numpy(dtype=bool)
    ]
    if negative.empty:
        return ""
    return str(negative.sort_values("sentiment_score", kind="stable")["text"].iloc[0])


def current(ctx) -> str | None:
    """The current, unfinished period: that of the latest check-in when it has no actuals yet."""
    ds = ctx.ds
    return current_period(ds.checkins, ds.periods, ds.company.cadence)
