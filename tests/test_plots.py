"""Report figures: Chinese text renders without missing glyphs, and every figure has a title."""

import io
import warnings

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from kpi_helpers.engine.goal_tree import strategy_nodes
from kpi_helpers.report import plots
from kpi_helpers.report.display import figure_html
from kpi_helpers.report.fonts import apply_report_style, cjk_font_path, use_cjk_font
from kpi_helpers.report.labels import tree_rows

BANDS = [("S", 110.0), ("A", 100.0), ("B", 85.0), ("C", 70.0), ("D", float("-inf"))]
PERIODS = ["2026-Q1", "2026-Q2", "2026-Q3"]


def _figures(lang: str) -> dict[str, Figure]:
    kpis = pd.DataFrame(
        {
            "label": ["K01 月新增用户", "K02 30日留存率（用户）", "K03 需求变更率 −5%"],
            "score": [112.0, 84.0, np.nan],
            "status": ["on", "near", "missing"],
            "contribution": [3.5, -2.25, 0.0],
            "share": [0.5, 0.3, 0.2],
            "negative": [0.7, 0.2, 0.1],
            "ambition": [0.12, -0.05, np.nan],
            "position": ["above", "below", "no_history"],
        }
    )
    pms = pd.DataFrame(
        {"label": ["张伟", "李娜"], "total": [107.9, 68.2], "band": ["A", "D"], "share": [0.6, 0.4]}
    )
    matrix = pd.DataFrame(
        [[40.0, 60.0, 0.0], [0.0, 50.0, 50.0]],
        index=["张伟", "李娜"],
        columns=["用户增长", "客户满意度与反馈", "创新能力与市场敏感度"],
    )
    metrics = pd.DataFrame(
        {
            "period": PERIODS,
            **{
                f"nps{s}": [v + d for v in (20.0, 25.0, 18.0)]
                for s, d in (("", 0), ("_low", -6), ("_high", 6))
            },
            **{
                f"csat{s}": [v + d for v in (0.8, 0.82, 0.79)]
                for s, d in (("", 0), ("_low", -0.03), ("_high", 0.03))
            },
            **{
                f"ces{s}": [v + d for v in (3.1, 3.0, 3.3)]
                for s, d in (("", 0), ("_low", -0.2), ("_high", 0.2))
            },
            "positive": [0.5, 0.55, 0.4],
            "neutral": [0.3, 0.25, 0.3],
            "negative": [0.2, 0.2, 0.3],
        }
    )
    trend = pd.DataFrame(
        {
            "period": PERIODS * 2,
            "label": ["张伟"] * 3 + ["李娜"] * 3,
            "total": [90, 95, 108, 80, 75, 68.0],
        }
    )
    return {
        "objective_weights": plots.objective_weights(pms, lang),
        "heatmap_weight": plots.dimension_heatmap(matrix, lang),
        "heatmap_score": plots.dimension_heatmap(matrix + 50, lang, kind="score"),
        "one_pm_dimensions": plots.dimension_heatmap(matrix.iloc[:1] + 50, lang, kind="score"),
        "target_ambition": plots.target_ambition(kpis, lang),
        "pm_totals": plots.pm_totals(pms, BANDS, lang),
        "kpi_scores": plots.kpi_scores(kpis, "张伟：各 KPI 得分（✓ ! ✗）", lang),
        "contributions": plots.contributions(kpis, "变化 ▲▼", lang),
        "totals_trend": plots.totals_trend(trend, BANDS, lang),
        "score_history": plots.score_history(
            pd.DataFrame([[90, 101, np.nan]], index=["K01 月新增用户"], columns=PERIODS),
            "历史",
            lang,
        ),
        "feedback_volume": plots.feedback_volume(
            pd.DataFrame({"应用商店": [10, 20, 30], "问卷": [5, 5, 5]}, index=PERIODS), lang
        ),
        "metric_intervals": plots.metric_intervals(metrics, "2026-Q3", lang),
        "theme_bars": plots.theme_bars(kpis, "主题：卡顿、闪退", lang),
        "sentiment_shares": plots.sentiment_shares(metrics, lang),
        "empty": plots.pm_totals(pms.iloc[0:0], BANDS, lang),
    }


def _title(fig: Figure) -> str:
    texts = [fig._suptitle.get_text()] if fig._suptitle is not None else []
    texts += [ax.get_title(loc=loc) for ax in fig.axes for loc in ("left", "center")]
    return " ".join(t for t in texts if t)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_figure_renders_without_missing_glyphs_and_has_a_title(lang):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" is a UserWarning
        figures = _figures(lang)
        for name, fig in figures.items():
            fig.savefig(io.BytesIO(), format="png")
            assert _title(fig).strip(), f"{name} has no title"


def test_goal_tree_marks_gaps_and_renders(tiny_data):
    from kpi_helpers.data.load import load_dataset

    ds = load_dataset(tiny_data)
    kpis = ds.kpis.copy()
    kpis.loc[0, "goal_id"] = "G9"  # points at no goal of the strategy
    nodes = strategy_nodes(ds.company, kpis, "2026-Q2")
    rows = tree_rows(nodes, "zh", {"pm01": "张伟"})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plots.goal_tree(rows, "zh")
        fig.savefig(io.BytesIO(), format="png")
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert any(s.startswith("✗ K01") and "未对齐" in s for s in labels)
    assert "目标分解" in _title(fig)


def test_font_setup_survives_a_seaborn_theme():
    import matplotlib
    import seaborn as sns

    family = use_cjk_font()
    assert cjk_font_path().name == "NotoSansCJKsc-Regular.otf"
    sns.set_theme()  # resets the font settings
    assert matplotlib.rcParams["font.family"][0] != family
    assert apply_report_style() == family
    assert matplotlib.rcParams["font.family"][0] == family
    assert matplotlib.rcParams["axes.unicode_minus"] is False


def test_figures_embed_as_png_with_alt_text():
    fig = plots.pm_totals(pd.DataFrame({"label": ["张伟"], "total": [100.0], "band": ["A"]}), BANDS)
    html = figure_html(fig, 'Totals: 张伟 100 <"x">')
    assert html.startswith('<img src="data:image/png;base64,')
    assert 'alt="Totals: 张伟 100 &lt;&quot;x&quot;&gt;"' in html


def test_dollar_signs_in_names_are_text_not_math():
    names = pd.DataFrame({"label": ["$5 $price_tag^2 张伟"], "total": [100.0], "band": ["A"]})
    fig = plots.pm_totals(names, BANDS)
    fig.savefig(io.BytesIO(), format="png")  # mathtext would fail on the unbalanced "$"
    assert fig.axes[0].get_yticklabels()[0].get_text().startswith("$5 $price")


def _tree_nodes(n_kpis: int) -> pd.DataFrame:
    rows = [
        {"level": "objective", "node_id": "O1", "parent_id": np.nan, "share": 1.0},
        {"level": "goal", "node_id": "G1", "parent_id": "O1", "share": 0.6},
        {"level": "goal", "node_id": "G2", "parent_id": "O1", "share": 0.4},
    ]
    for i in range(n_kpis):
        rows.append(
            {
                "level": "kpi",
                "node_id": f"K{i}",
                "parent_id": "G1" if i % 2 else "G2",
                "share": 0.01,
            }
        )
    rows.append({"level": "kpi", "node_id": "KX", "parent_id": np.nan, "share": np.nan})
    frame = pd.DataFrame(rows).assign(covered=True, aligned=lambda f: f["node_id"] != "KX")
    return frame.assign(label=frame["node_id"], tree_label=frame["node_id"])


def test_a_tree_of_many_kpis_is_drawn_with_one_leaf_per_goal():
    from kpi_helpers.report.labels import collapse_kpis

    small = _tree_nodes(10)
    assert collapse_kpis(small, "en") is small
    big = collapse_kpis(_tree_nodes(100), "en", limit=60)
    leaves = big[big["level"] == "kpi"].set_index("node_id")
    assert leaves.loc["G1:kpis", "tree_label"] == "50 KPIs · 50%"
    assert leaves.loc["G2:kpis", "parent_id"] == "G2"
    assert leaves.loc["unaligned:kpis", "tree_label"] == "1 KPIs not aligned"
    assert not leaves.loc["unaligned:kpis", "aligned"]
    assert isinstance(plots.goal_tree(big, "en"), Figure)


def test_ambition_chart_of_many_kpis_shows_the_extremes_and_says_so():
    n = 90
    frame = pd.DataFrame(
        {
            "label": [f"K{i}" for i in range(n)],
            "ambition": np.linspace(-0.5, 0.5, n),
            "position": "within",
        }
    )
    fig = plots.target_ambition(frame, "en", limit=20)
    ax = fig.axes[0]
    labels = [tick.get_text() for tick in ax.get_yticklabels()]
    assert len(labels) == 20 and labels[0] == "K89" and labels[-1] == "K0"
    assert "10 highest and 10 lowest of 90 KPIs" in ax.get_title(loc="left")
    assert len(plots.target_ambition(frame.head(15), "en", limit=20).axes[0].get_yticks()) == 15


def test_heat_maps_write_every_value_in_its_cell_and_leave_empty_cells_blank():
    from matplotlib.collections import QuadMesh

    matrix = pd.DataFrame(
        [[90.0, 101.0, np.nan], [40.0, 120.0, 80.0]],
        index=["K01 月新增用户", "K02 留存"],
        columns=PERIODS,
    )
    fig = plots.score_history(matrix, "历史", "zh")
    ax, bar = fig.axes
    assert isinstance(ax.collections[0], QuadMesh)  # a seaborn heat map
    assert [t.get_text() for t in ax.texts] == ["90", "101", "40", "120", "80"]
    assert [t.get_text() for t in ax.get_xticklabels()] == PERIODS
    assert [t.get_text() for t in ax.get_yticklabels()] == ["K01 月新增用户", "K02 留存"]
    assert bar.get_ylabel() == "得分（分）"
    weights = plots.dimension_heatmap(pd.DataFrame([[40.0, 0.0], [0.0, 100.0]]), "en")
    assert [t.get_text() for t in weights.axes[0].texts] == ["40", "100"]  # zero weight: blank


def test_a_title_wider_than_its_chart_is_wrapped_not_clipped():
    from kpi_helpers.report.display import figure_png
    from kpi_helpers.report.plots.base import new_figure

    fig, ax = new_figure(6, 3)
    long = "Each KPI's score of Lin Xiaowen against the 20 highest and 20 lowest of the company"
    ax.set_title(long, loc="left")
    ax.plot([1, 2], [1, 2])
    assert figure_png(fig)[:4] == b"\x89PNG"
    shown = ax.get_title("left")
    assert "\n" in shown and shown.replace("\n", " ") == long  # every word kept
    fig, ax = new_figure(9, 3)
    ax.set_title("各 KPI 得分", loc="left")
    figure_png(fig)
    assert ax.get_title("left") == "各 KPI 得分"
