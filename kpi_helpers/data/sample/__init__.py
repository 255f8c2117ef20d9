"""The sample company in data/: a deterministic, seeded generator of every data file.

`write_sample(out, seed)` writes company.yaml, people.csv, kpis.csv, targets.csv, actuals.csv,
feedback.csv, reviews.csv, events.csv and keywords.yaml; the same seed gives byte-identical files.

青橙生活科技 (Qingcheng Life Tech), quarterly, 2025-Q1 .. 2026-Q3, and what its reports should find:
- PM03 王思琪 (QingPlus) is over target every quarter and at or above stretch on most KPIs in
  the last two: the targets are too easy. PM05 刘佳怡 (QingLive) slides below threshold on most
  KPIs in the last two quarters; events.csv records a market event (a rival's subsidy war) that
  explains K501's miss only, so the review eases K501 and keeps the others. PM02 陈浩然 (QingMart) improves every quarter.
- K203 (GMV growth) is retired after 2025-Q4 and replaced by K208 from 2026-Q1; K204 and K305
  end after 2026-Q2 and are replaced by K209 and K309, which point at O1 goals.
- Goal G11 (lower-tier cities) ends with 2026-Q2 but K101 still points at it in 2026-Q3.
- Objective O3 (new growth engines) keeps its goals but has no active KPI in 2026-Q3.
- K604 has no actual for 2025-Q3; K403 (feedback.nps:product=QingPay) has none for 2026-Q3,
  so it is derived from feedback.csv.
- QingEats has a crash wave after v6.0 in 2026-Q1 (CSAT and NPS drop, crash comments spike,
  K105 incidents jump) and recovers by 2026-Q3.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kpi_helpers.data.sample.conversation import assessments_csv, checkins_csv
from kpi_helpers.data.sample.feedback import feedback_csv, feedback_metric, generate_feedback
from kpi_helpers.data.sample.feedback_text import THEMES
from kpi_helpers.data.sample.kpis import (
    KPIS,
    MISSING_ACTUALS,
    PERIODS,
    UNREPORTED_ACTUALS,
    actuals_csv,
    is_active,
    is_evidence,
    kpis_csv,
    planned_actuals,
    targets_csv,
)
from kpi_helpers.data.sample.reviews import generate_reviews, review_mean, reviews_csv
from kpi_helpers.data.sample.strategy import company_yaml, events_csv, people_csv
from kpi_helpers.data.sample.writing import yaml_list, yaml_scalar

DEFAULT_SEED = 20260930
FILES = (
    "company.yaml", "people.csv", "kpis.csv", "targets.csv", "actuals.csv",
    "feedback.csv", "reviews.csv", "events.csv", "keywords.yaml", "assessments.csv",
    "checkins.csv",
)  # fmt: skip


def _evidence_actuals(feedback, reviews) -> list[tuple[str, str, float]]:
    """Actuals of feedback.* / reviews.* KPIs, computed from the generated evidence itself."""
    by_period: dict[tuple[str, str], list] = {}
    for r in feedback:
        by_period.setdefault((r.period(), r.product), []).append(r)
    out = []
    for spec in KPIS:
        if not is_evidence(spec):
            continue
        source, _, product = spec.data_source.partition(":product=")
        kind, metric = source.split(".")
        for period in PERIODS:
            if not is_active(spec, period):
                continue
            if kind == "feedback":
                value = feedback_metric(by_period.get((period, product), []), metric)
            else:
                value = review_mean(reviews, period, spec.owner, metric)
            if value is not None:
                out.append((period, spec.kpi_id, round(value, spec.decimals)))
    return out


def keywords_yaml() -> str:
    lines = [
        "# Feedback themes: each theme's Chinese and English name and the keywords (both languages)",
        "# that mark a comment as being about it. A comment may match several themes.",
        "themes:",
    ]
    for theme, name, name_en, keywords in THEMES:
        lines += [
            f"  - theme: {theme}",
            f"    name: {yaml_scalar(name)}",
            f"    name_en: {yaml_scalar(name_en)}",
            f"    keywords: {yaml_list(list(keywords))}",
        ]
    return "\n".join(lines) + "\n"


def build_sample(seed: int = DEFAULT_SEED) -> dict[str, str]:
    """Every file of the sample data folder as text, by file name."""
    feedback = generate_feedback(np.random.default_rng([seed, 1]))
    reviews = generate_reviews(np.random.default_rng([seed, 2]))
    actuals = planned_actuals(np.random.default_rng([seed, 3])) + _evidence_actuals(
        feedback, reviews
    )
    actuals = [a for a in actuals if (a[0], a[1]) not in MISSING_ACTUALS | UNREPORTED_ACTUALS]
    return {
        "company.yaml": company_yaml(),
        "people.csv": people_csv(),
        "kpis.csv": kpis_csv(),
        "targets.csv": targets_csv(),
        "actuals.csv": actuals_csv(actuals),
        "feedback.csv": feedback_csv(feedback),
        "reviews.csv": reviews_csv(reviews),
        "events.csv": events_csv(),
        "keywords.yaml": keywords_yaml(),
        "assessments.csv": assessments_csv(),
        "checkins.csv": checkins_csv(np.random.default_rng([seed, 4])),
    }


def write_sample(out: Path, seed: int = DEFAULT_SEED) -> Path:
    """Write the sample data folder to `out` (created if needed; its sample files replaced)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name, text in build_sample(seed).items():
        (out / name).write_bytes(text.encode("utf-8"))
    return out


__all__ = ["DEFAULT_SEED", "FILES", "build_sample", "write_sample"]
