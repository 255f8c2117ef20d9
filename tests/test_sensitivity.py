"""Weight sensitivity: totals and ranks when one KPI's weight moves by +-10 points."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi_helpers.engine.scoring import weighted_total
from kpi_helpers.engine.sensitivity import SENSITIVITY_COLUMNS, weight_scenarios, weight_sensitivity

NAN = float("nan")


def card(rows):
    return pd.DataFrame(rows, columns=["pm_id", "kpi_id", "weight", "score"])


CARD = card(
    [
        ("a", "K1", 60.0, 120.0),
        ("a", "K2", 40.0, 60.0),
        ("b", "K3", 50.0, 100.0),
        ("b", "K4", 50.0, 90.0),
        ("c", "K5", 100.0, 95.0),
        ("d", "K6", 100.0, NAN),
    ]
)


def test_scenarios_renormalise_the_other_weights_by_hand():
    sc = weight_scenarios(CARD).set_index(["kpi_id", "shift"])
    # a: K1 60 -> 70, K2 40 -> 30: (70 x 120 + 30 x 60) / 100 = 102
    assert sc.loc[("K1", 10.0), "new_weight"] == 70.0
    assert sc.loc[("K1", 10.0), "total"] == pytest.approx(102.0)
    assert sc.loc[("K1", -10.0), "total"] == pytest.approx(90.0)
    # b: K3 50 -> 40 with K4 50 -> 60: 94
    assert sc.loc[("K3", -10.0), "total"] == pytest.approx(94.0)
    # a PM with a single KPI cannot move
    assert sc.loc[("K5", 10.0), "total"] == pytest.approx(95.0)
    assert sc.loc[("K5", 10.0), "new_weight"] == 100.0


def test_unscored_kpis_keep_weight_but_do_not_count():
    c = card([("a", "K1", 50.0, 100.0), ("a", "K2", 30.0, 50.0), ("a", "K3", 20.0, NAN)])
    sc = weight_scenarios(c).set_index(["kpi_id", "shift"])
    # K3 +10 -> 30; K1, K2 scaled by 70 / 80: (43.75 x 100 + 26.25 x 50) / 70
    assert sc.loc[("K3", 10.0), "total"] == pytest.approx((43.75 * 100 + 26.25 * 50) / 70)
    assert sc.loc[("K3", 10.0), "total"] == pytest.approx(weighted_total(c, "pm_id")["total"][0])


def test_sensitivity_per_pm():
    s = weight_sensitivity(CARD)
    assert list(s.columns) == SENSITIVITY_COLUMNS
    s = s.set_index("pm_id")
    assert (s.loc["a", "total"], s.loc["a", "min_total"], s.loc["a", "max_total"]) == (
        96.0,
        90.0,
        102.0,
    )
    # b and c tie on 95 (rank 2); a falling to 90 lifts both, b rising to 96 drops c
    assert (s.loc["c", "rank"], s.loc["c", "min_rank"], s.loc["c", "max_rank"]) == (2, 1, 3)
    assert not s.loc["c", "robust"]
    assert s.loc["a", "swing_kpi"] == "K1"
    assert math.isnan(s.loc["d", "rank"]) and not s.loc["d", "robust"]


def test_far_apart_pms_are_robust():
    c = card([("a", "K1", 50.0, 120.0), ("a", "K2", 50.0, 110.0), ("b", "K3", 50.0, 40.0),
              ("b", "K4", 50.0, 50.0)])  # fmt: skip
    s = weight_sensitivity(c).set_index("pm_id")
    assert s["robust"].all() and list(s["rank"]) == [1.0, 2.0]


def test_weights_are_clipped_at_zero():
    c = card([("a", "K1", 5.0, 100.0), ("a", "K2", 95.0, 50.0)])
    sc = weight_scenarios(c).set_index(["kpi_id", "shift"])
    assert sc.loc[("K1", -10.0), "new_weight"] == 0.0
    assert sc.loc[("K1", -10.0), "total"] == pytest.approx(50.0)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(0, 120), min_size=4, max_size=12),
    st.lists(st.floats(1, 10), min_size=4, max_size=12),
)
def test_ranks_agree_with_a_brute_force_ranking(scores, raw_weights):
    n = min(len(scores), len(raw_weights)) // 2 * 2
    rows = []
    for i in range(n):
        rows.append((f"p{i // 2}", f"K{i}", raw_weights[i], scores[i]))
    c = card(rows)
    c["weight"] = c["weight"] / c.groupby("pm_id")["weight"].transform("sum") * 100
    s = weight_sensitivity(c).set_index("pm_id")
    sc = weight_scenarios(c)
    base = weighted_total(c, "pm_id").set_index("pm_id")["total"]
    ranks = {pm: [base.rank(ascending=False, method="min")[pm]] for pm in base.index}
    for row in sc.itertuples():
        t = base.copy()
        t[row.pm_id] = row.total
        r = t.rank(ascending=False, method="min")
        for pm in base.index:
            ranks[pm].append(r[pm])
    for pm, rs in ranks.items():
        assert s.loc[pm, "min_rank"] == np.min(rs) and s.loc[pm, "max_rank"] == np.max(rs)
