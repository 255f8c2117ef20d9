"""A PM's review pack on the sample company: every section says something true, and no other PM."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kpi_helpers.data.load import load_dataset
from kpi_helpers.engine.review import review_period
from kpi_helpers.report import pack
from kpi_helpers.report.context import ReportContext

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def ds():
    return load_dataset(DATA)


def context(ds, pm: str, lang: str) -> ReportContext:
    return ReportContext(ds, "2026-Q3", lang, pm)


def whole_pack(ctx) -> str:
    review = review_period(ctx.ds, ctx.period, ctx.actuals)
    _, alt, history = pack.history(ctx)
    figure, customers = pack.customers(ctx)
    return "\n".join(
        [
            pack.headline(ctx),
            alt,
            history,
            pack.kpi_notes(ctx),
            pack.findings(ctx, review),
            pack.reviews_360(ctx),
            pack.assessments(ctx),
            pack.final_score(ctx),
            pack.next_targets(ctx, review),
            pack.checkins(ctx),
            figure[1] if figure else "",
            customers,
        ]
    )


def test_headline_has_total_band_coverage_change_and_rank(ds):
    text = pack.headline(context(ds, "PM05", "en"))
    assert "Total 14.4 points" in text and "rank 6 of 6" in text
    assert "-1.6 points since 2026-Q2" in text


def test_history_covers_every_period(ds):
    _, alt, table = pack.history(context(ds, "PM05", "en"))
    assert "2025-Q1 104.4" in alt and "2026-Q3 14.4" in alt
    assert table.count("<tr>") >= 8  # header + seven periods


def test_the_notes_behind_the_actuals_are_shown(ds):
    notes = pack.kpi_notes(context(ds, "PM05", "zh"))
    assert "推荐算法调整后留存下滑" in notes


def test_findings_concern_this_pm_only(ds):
    ctx = context(ds, "PM05", "en")
    text = pack.findings(ctx, review_period(ds, ctx.period, ctx.actuals))
    assert "K502 stayed below its threshold" in text
    assert "K3" not in text.replace("K50", "")  # nothing about PM03's KPIs


def test_360_shows_peers_pooled_others_and_never_rater_ids(ds):
    text = pack.reviews_360(context(ds, "PM05", "en"))
    assert "Peers" in text and "Other raters (pooled)" in text
    assert "P0" not in text and "X0" not in text and "M0" not in text


def test_assessments_and_checkins_for_the_struggling_pm(ds):
    ctx = context(ds, "PM05", "en")
    assert "Self-assessment" in pack.assessments(ctx) and "需要算法团队支持" in pack.assessments(
        ctx
    )
    assert "5 off track" in pack.checkins(ctx)


def test_final_score_only_when_company_yaml_asks(ds):
    from dataclasses import replace

    kpi_only = replace(ds, company=replace(ds.company, final_score=(("kpi", 100.0),)))
    assert pack.final_score(context(kpi_only, "PM01", "en")) == ""
    sample = pack.final_score(context(ds, "PM01", "en"))  # the sample weighs 70 / 20 / 10
    assert "KPI total 101.9 (weight 70)" in sample and "self rating" in sample
    weighted = replace(
        ds, company=replace(ds.company, final_score=(("kpi", 70.0), ("reviews", 30.0)))
    )
    text = pack.final_score(context(weighted, "PM01", "en"))
    assert text.startswith("Final rating") and "360 mean" in text and "self" not in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_pack_names_no_other_pm(ds, lang):
    people = ds.people
    for pm in ("PM03", "PM05"):
        text = whole_pack(context(ds, pm, lang))
        others = people[people["pm_id"] != pm]
        for row in others.itertuples(index=False):
            assert row.name not in text and row.name_en not in text, (pm, row.pm_id)
            assert row.pm_id not in text, (pm, row.pm_id)


def test_pms_who_share_products_share_one_customer_analysis_in_a_kernel(ds):
    """The evidence of a product set is worked out once per kernel; each pack still shows it
    exactly as one worked out alone, in its own language."""
    import copy

    products = ds.people.set_index("pm_id")["products"]
    pm, other = products.index[0], products.index[1]
    assert products[pm] != products[other]
    twin = ds.people[ds.people["pm_id"] == pm].assign(pm_id="PM_TWIN", name_en="Twin", name="孪生")
    shared = copy.copy(ds)
    shared.people = pd.concat([ds.people, twin], ignore_index=True)
    base = ReportContext(shared, "2026-Q3", "zh")
    first, again, apart = (copy.copy(base) for _ in range(3))
    first.pm, again.pm, apart.pm = pm, "PM_TWIN", other
    _, text = pack.customers(first)
    again.lang = "en"
    _, twin_text = pack.customers(again)
    assert pack._evidence(first, 3) is pack._evidence(again, 3)
    assert pack._evidence(apart, 3) is not pack._evidence(first, 3)
    assert text == pack.customers(context(ds, pm, "zh"))[1]  # the same as worked out alone
    alone = ReportContext(shared, "2026-Q3", "en", "PM_TWIN")
    assert twin_text == pack.customers(alone)[1]
