"""What every notebook's sections share: the opening (title and introduction), results kept for
the following sections, and the PM filter."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from kpi_helpers.report import narrative
from kpi_helpers.report.context import ReportContext, open_period
from kpi_helpers.report.display import show_markdown
from kpi_helpers.report.registry import notebook

Keep = Callable[[pd.DataFrame], pd.DataFrame] | None


def start(
    stem: str,
    data_dir: str | Path = "data",
    period: str = "",
    lang: str = "zh",
    pm: str = "",
    interactive: bool = False,
) -> ReportContext:
    """Open the period for a notebook (report.context.open_period) and show its title and
    introduction; the notebook's first call after its parameters."""
    key = notebook(stem).key
    ctx = open_period(data_dir, period, lang, pm, interactive)
    show_markdown(ctx.title(key))
    show_markdown(narrative.intro(key, ctx.lang, period=ctx.period))
    return ctx


def per_context(build: Callable) -> Callable:
    """Compute `build(ctx)` once per context and share it between the sections that show it
    (e.g. the period's review: its findings, its proposal and the review panel)."""

    @functools.wraps(build)
    def once(ctx: ReportContext):
        store = ctx.__dict__.setdefault("_section_results", {})
        key = (build.__module__, build.__qualname__, ctx.period, ctx.pm, ctx.lang)
        if key not in store:
            store[key] = build(ctx)
        return store[key]

    return once


def mine(ctx: ReportContext, frame: pd.DataFrame, keep: Keep = None) -> pd.DataFrame:
    """Rows of `frame` for the report's PM (ctx.for_pm), then those the filter keeps."""
    frame = ctx.for_pm(frame)
    return frame if keep is None or frame is None else keep(frame)


def pm_ids(ctx: ReportContext, keep: Keep = None) -> list[str]:
    """The report's PMs (ctx.pm_ids), those the filter keeps."""
    if keep is None:
        return ctx.pm_ids
    return list(keep(pd.DataFrame({"pm_id": ctx.pm_ids}))["pm_id"])
