"""A PM page's charts have fixed layouts measured from their own text: every text drawn lies
inside the image, labels stay whole, with long Chinese and English PM and KPI names; the PNG is
a palette image of the figure's size."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text
from PIL import Image

from kpi_helpers.report import plots
from kpi_helpers.report.display import PNG_DPI, figure_png
from kpi_helpers.report.i18n import t
from kpi_helpers.report.plots.base import FixedLayout, legacy_drawing

PERIODS = ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
BANDS = [("S", 110.0), ("A", 100.0), ("B", 85.0), ("C", 70.0), ("D", float("-inf"))]
NAMES = {
    "zh": (
        "欧阳司马·诸葛长孙慕容",
        [
            "K201-002 新用户增长贡献占比与三十日留存率综合指数",
            "K202-002 客户满意度与反馈及口碑传播净推荐值",
            "K203-002 需求到上线天数中位数",
        ],
        ["用户增长与市场拓展及品牌影响力", "客户满意度与反馈及口碑传播", "交付效率"],
    ),
    "en": (
        "Alexandra Konstantinopoulou-Vanderbilt",
        [
            "K201-002 Share of new users from referral programmes and partner channels",
            "K202-002 Customer satisfaction score of the main product line",
            "K203-002 Median days from request to release",
        ],
        ["Customer satisfaction and feedback", "Content and community operations", "Delivery"],
    ),
}


def _pm_page_charts(lang: str) -> dict:
    """The five charts of a PM page, made as the page's sections make them."""
    name, kpis, dims = NAMES[lang]
    n = len(PERIODS)
    trend = pd.DataFrame(
        {"period": PERIODS, "label": [name] * n, "total": [82.0, 91.5, 104.0, 99.0, 111.2]}
    )
    scores = pd.Series([96.0, 71.0, 118.0], index=dims, name=name)
    results = pd.DataFrame(
        {
            "label": kpis,
            "score": [112.0, 84.0, np.nan],
            "status": ["on", "near", "missing"],
            "derived": [False, True, False],
        }
    )
    contrib = pd.DataFrame({"label": kpis, "contribution": [3.5, -2.25, 0.4]})
    metrics = pd.DataFrame(
        {
            "period": PERIODS,
            **{
                f"{m}{s}": [v * k + d for v in (1.0, 1.1, 0.9, 1.2, 1.05)]
                for m, k, dd in (("nps", 25.0, 6.0), ("csat", 0.8, 0.03), ("ces", 3.1, 0.2))
                for s, d in (("", 0.0), ("_low", -dd), ("_high", dd))
            },
        }
    )
    title_kpis = t("nb05.chart_kpis", lang, name=name)
    title_movers = t("nb05.chart_movers", lang, name=name, previous="2026-Q2")
    return {
        "history": plots.totals_trend(trend, BANDS, lang),
        "dimensions": plots.dimension_heatmap(scores.to_frame().T, lang, kind="score"),
        "kpis": plots.kpi_scores(results, title_kpis, lang),
        "movers": plots.contributions(contrib, title_movers, lang),
        "customers": plots.metric_intervals(metrics, "2026-Q3", lang),
    }


def _drawn(fig, monkeypatch) -> tuple[list[tuple[str, object]], tuple[float, float], bytes]:
    """Every non-empty text drawn into the PNG with its extent on the drawing renderer."""
    seen = []
    draw = Text.draw

    def recording(self, renderer):
        if self.get_visible() and self.get_text():
            seen.append((self.get_text(), self.get_window_extent(renderer)))
            size[:] = [renderer.width, renderer.height]
        return draw(self, renderer)

    size: list[float] = [0.0, 0.0]
    with monkeypatch.context() as m:
        m.setattr(Text, "draw", recording)
        png = figure_png(fig)
    return seen, (size[0], size[1]), png


def _whole(shown: str, label: str) -> bool:
    return "…" not in shown and re.sub(r"\s+", "", shown) == re.sub(r"\s+", "", label)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_text_of_a_pm_page_chart_is_inside_the_image(lang, monkeypatch):
    name, kpis, dims = NAMES[lang]
    for kind, fig in _pm_page_charts(lang).items():
        assert isinstance(fig.get_layout_engine(), FixedLayout), kind
        texts, (width, height), png = _drawn(fig, monkeypatch)
        assert len(texts) >= 5, kind
        for text, box in texts:
            inside = box.x0 >= -0.5 and box.y0 >= -0.5 and box.x1 <= width + 0.5
            assert inside and box.y1 <= height + 0.5, f"{kind}: {text!r} at {box} is cut"
        image = Image.open(io.BytesIO(png))
        assert image.size == (round(width), round(height))
        w_in, h_in = fig.get_size_inches()
        assert image.size == (round(w_in * PNG_DPI), round(h_in * PNG_DPI))
        assert image.mode == "P"  # 256-colour palette
        drawn = [text for text, _box in texts]
        if kind in ("kpis", "movers"):
            labels = [s for s in drawn if any(_whole(s.removesuffix(" ※"), k) for k in kpis)]
            assert len(labels) == len(kpis), f"{kind}: a KPI name was cut: {drawn}"
            title = [s for s in drawn if name in s.replace("\n", " ") or "\n" in s]
            assert title, f"{kind}: the title naming {name} is missing"
        if kind == "dimensions":
            assert all(any(_whole(s, d) for s in drawn) for d in dims)
        if kind == "history":
            assert name in drawn  # the legend names the PM


def test_a_long_title_is_wrapped_to_the_room_right_of_long_labels(monkeypatch):
    name, kpis, _dims = NAMES["en"]
    rows = pd.DataFrame({"label": kpis, "score": [95.0, 110.0, 70.0], "status": ["near"] * 3})
    title = t("nb05.chart_kpis", "en", name=name)
    fig = plots.kpi_scores(rows, title, "en")
    texts, (width, _h), _png = _drawn(fig, monkeypatch)
    shown = fig.axes[0].get_title("left")
    assert "\n" in shown and shown.split() == title.split()  # every word kept
    box = next(b for s, b in texts if s == shown)
    assert box.x0 >= fig.axes[0].get_window_extent().x0 - 1  # starts above the axes
    assert box.x1 <= width


def test_the_old_way_still_draws_constrained_rgb_pngs():
    with legacy_drawing():
        fig = _pm_page_charts("zh")["kpis"]
        png = figure_png(fig)
    assert fig.get_layout_engine().__class__.__name__ == "ConstrainedLayoutEngine"
    assert Image.open(io.BytesIO(png)).mode == "RGBA"
    assert isinstance(_pm_page_charts("zh")["kpis"].get_layout_engine(), FixedLayout)


def test_a_heat_map_keeps_its_full_colours_and_bar_colours_survive_the_palette():
    matrix = pd.DataFrame(
        [[96.0, 71.0, 118.0], [88.0, 102.0, 64.0]], index=["张伟", "李娜"], columns=NAMES["zh"][2]
    )
    heat = Image.open(io.BytesIO(figure_png(plots.dimension_heatmap(matrix, "zh", "score"))))
    assert heat.mode == "RGB"  # the colour bar's gradient is not cut to 256 colours
    bars = _pm_page_charts("en")["movers"]
    image = Image.open(io.BytesIO(figure_png(bars))).convert("RGB")
    colours = {c for _n, c in image.getcolors(1 << 16)}
    assert {(0, 158, 115), (213, 94, 0)} <= colours  # the up and down bars, exactly
