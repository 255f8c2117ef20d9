"""Feedback metrics against hand-computed values: NPS and its interval, CSAT with Wilson, CES
with t, the noise rule between periods, closed-loop figures, and derived KPI actuals."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest

from kpi_helpers.engine.derive import derived_actuals
from kpi_helpers.feedback.metrics import add_period, changes, feedback_metrics, kpi_value


def frame(**cols) -> pd.DataFrame:
    n = max(len(v) for v in cols.values())
    base = {
        "date": pd.to_datetime(["2026-02-01"] * n),
        "product": ["App"] * n,
        "channel": ["store"] * n,
    }
    base.update(cols)
    return pd.DataFrame(
        {k: (v if len(v) == n else list(v) + [np.nan] * (n - len(v))) for k, v in base.items()}
    )


def test_nps_and_its_interval_by_hand():
    # promoters 10, 9, 10, 9 (4); detractors 6, 0, 3 (3); n = 10 -> NPS 10
    # Var = 100^2 [0.4 + 0.3 - 0.1^2] / 10 = 690; 10 +- 1.96 sqrt(690) = [-41.48, 61.48]
    df = frame(nps=[10, 9, 8, 7, 6, 0, 10, 9, 3, 8])
    row = feedback_metrics(df, by=[]).iloc[0]
    assert (row["nps_n"], row["promoters"], row["detractors"]) == (10, 4, 3)
    assert row["nps"] == pytest.approx(10.0)
    assert row["nps_low"] == pytest.approx(-41.484, abs=1e-3)
    assert row["nps_high"] == pytest.approx(61.484, abs=1e-3)


def test_csat_share_and_wilson_bounds_by_hand():
    # 5 of 8 answers are 4-5: 0.625, Wilson 95 % [0.3057, 0.8632]
    df = frame(csat=[5, 4, 3, 2, 5, 4, 1, 5])
    row = feedback_metrics(df, by=[]).iloc[0]
    assert row["csat"] == pytest.approx(0.625)
    assert row["csat_low"] == pytest.approx(0.30574, abs=1e-4)
    assert row["csat_high"] == pytest.approx(0.86316, abs=1e-4)


def test_ces_mean_and_t_interval_by_hand():
    # mean 3.5, sd 1.2910, t(3 dof) 3.1824 -> 3.5 +- 2.0543
    df = frame(ces=[2, 3, 4, 5])
    row = feedback_metrics(df, by=[]).iloc[0]
    assert row["ces"] == pytest.approx(3.5)
    assert row["ces_sd"] == pytest.approx(1.29099, abs=1e-5)
    assert row["ces_low"] == pytest.approx(1.44574, abs=1e-4)
    assert row["ces_high"] == pytest.approx(5.55426, abs=1e-4)


def test_missing_answers_are_null_not_zero():
    df = frame(nps=[np.nan, np.nan], csat=[np.nan, 4], ces=[np.nan, 1])
    row = feedback_metrics(df, by=[]).iloc[0]
    assert row["n"] == 2 and row["nps_n"] == 0
    assert np.isnan(row["nps"]) and np.isnan(row["nps_low"])
    assert row["csat"] == 1.0 and np.isnan(row["ces_low"])  # one CES answer has no interval
    assert np.isnan(row["resolved_14d"]) and np.isnan(row["positive"])


def test_groups_by_period_product_channel():
    df = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-01-10", "2026-02-10", "2026-04-01", "2026-04-02"]),
            "product": ["A", "A", "A", "B"],
            "channel": ["store", "survey", "store", "store"],
            "nps": [10, 0, 9, 5],
        }
    )
    m = feedback_metrics(df)
    assert m[["period", "product", "channel", "n", "nps"]].values.tolist() == [
        ["2026-Q1", "A", "store", 1, 100.0],
        ["2026-Q1", "A", "survey", 1, -100.0],
        ["2026-Q2", "A", "store", 1, 100.0],
        ["2026-Q2", "B", "store", 1, -100.0],
    ]
    half = feedback_metrics(df, by=["period"], cadence="half")
    assert half["period"].tolist() == ["2026-H1"] and half["n"].iat[0] == 4
    assert add_period(df.drop(columns="date"))["period"].eq("all").all()


def test_change_outside_the_noise():
    q1 = pd.DataFrame({"date": pd.Timestamp("2026-01-15"), "nps": [10] * 50 + [0] * 50})
    big = pd.DataFrame({"date": pd.Timestamp("2026-04-15"), "nps": [10] * 80 + [0] * 20})
    small = pd.DataFrame({"date": pd.Timestamp("2026-04-15"), "nps": [10] * 53 + [0] * 47})
    real = feedback_metrics(pd.concat([q1, big]), by=["period"])
    # NPS 0 -> 60: Var1 = 100, Var2 = 64, 1.96 sqrt(164) = 25.1 < 60
    assert real["nps_change"].iat[1] == pytest.approx(60.0)
    assert real["nps_change_real"].iat[1] is True or real["nps_change_real"].iat[1]
    assert pd.isna(real["nps_change_real"].iat[0])  # no 2025-Q4
    noise = feedback_metrics(pd.concat([q1, small]), by=["period"])
    assert noise["nps_change"].iat[1] == pytest.approx(6.0)
    assert not noise["nps_change_real"].iat[1]


def test_csat_two_proportion_and_ces_welch_rules():
    rows = []
    for period, ok, ces in (("2026-02-01", 40, 5.0), ("2026-05-01", 70, 3.0)):
        rows.append(
            pd.DataFrame(
                {
                    "date": pd.Timestamp(period),
                    "csat": [5] * ok + [2] * (100 - ok),
                    "ces": [ces - 1, ces + 1] * 50,
                }
            )
        )
    m = feedback_metrics(pd.concat(rows), by=["period"])
    # 0.40 -> 0.70 with 100 answers each: pooled z = 4.26 > 1.96
    assert m["csat_change"].iat[1] == pytest.approx(0.30)
    assert bool(m["csat_change_real"].iat[1])
    assert m["ces_change"].iat[1] == pytest.approx(-2.0)
    assert bool(m["ces_change_real"].iat[1])
    same = changes(m.assign(period=["2026-Q1", "2027-Q1"]), [])
    assert same["csat_change_real"].isna().all()  # not consecutive periods


def test_closed_loop_figures():
    df = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-01-01"] * 5),
            "status": ["closed", "closed", "open", "closed", None],
            "resolved_date": pd.to_datetime(
                ["2026-01-03", "2026-01-20", None, "2026-01-15", "2026-01-02"]
            ),
        }
    )
    row = feedback_metrics(df, by=[]).iloc[0]
    # tickets are rows with a status (4); within 14 days: 2 and 14 days (2 of 4)
    assert row["tickets"] == 4 and row["resolved"] == 3
    assert row["resolved_14d"] == pytest.approx(0.5)
    assert row["median_days_to_resolve"] == pytest.approx(14.0)


def test_derived_kpi_actuals_match_metrics():
    rng = np.random.default_rng(3)
    n = 400
    fb = pd.DataFrame(
        {
            "date": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 170, n), "D"),
            "product": rng.choice(["App", "Web"], n),
            "nps": rng.integers(0, 11, n).astype(float),
            "csat": rng.integers(1, 6, n).astype(float),
            "ces": rng.integers(1, 8, n).astype(float),
            "status": rng.choice(["closed", "open", None], n),
        }
    )
    fb["resolved_date"] = fb["date"] + pd.to_timedelta(rng.integers(0, 30, n), "D")
    kpis = pd.DataFrame(
        {
            "kpi_id": ["K1", "K2", "K3", "K4"],
            "owner": "pm1",
            "data_source": [
                "feedback.nps",
                "feedback.csat:product=App",
                "feedback.ces",
                "feedback.resolved_14d",
            ],
        }
    )
    empty = pd.DataFrame(columns=["period", "kpi_id", "value"])
    reviews = pd.DataFrame(columns=["period", "pm_id", "dimension", "score"])
    got = derived_actuals(kpis, empty, fb, reviews, ["2026-Q1", "2026-Q2"])
    m = feedback_metrics(fb, by=["period", "product"])
    allp = feedback_metrics(fb, by=["period"])
    q2 = allp[allp["period"] == "2026-Q2"].iloc[0]
    app_q1 = m[(m["period"] == "2026-Q1") & (m["product"] == "App")].iloc[0]
    value = got.set_index(["period", "kpi_id"])["value"]
    assert value["2026-Q2", "K1"] == pytest.approx(round(q2["nps"], 4))
    assert value["2026-Q1", "K2"] == pytest.approx(round(100 * app_q1["csat"], 4))
    assert value["2026-Q2", "K3"] == pytest.approx(round(q2["ces"], 4))
    assert value["2026-Q2", "K4"] == pytest.approx(round(100 * q2["resolved_14d"], 4))
    assert kpi_value(fb.iloc[:0], "nps") != kpi_value(fb.iloc[:0], "nps")  # NaN when no rows


def test_metrics_are_vectorised():
    n = 300_000
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "date": pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 700, n), "D"),
            "product": rng.choice(list("ABCDE"), n),
            "channel": rng.choice(["store", "survey", "support"], n),
            "nps": rng.integers(0, 11, n).astype(float),
            "csat": rng.integers(1, 6, n).astype(float),
            "ces": rng.integers(1, 8, n).astype(float),
        }
    )
    start = time.process_time()  # CPU time: other work on the machine does not count
    m = feedback_metrics(df)
    assert time.process_time() - start < 5
    assert m["n"].sum() == n and len(m) == 8 * 5 * 3


def test_sentiment_shares_from_string_columns():
    # "string" sentiments compare to bool[pyarrow] when pyarrow is installed, and
    # groupby().sum(numeric_only=True) silently drops such columns
    df = frame(
        text=pd.array(["good", "bad", "meh", "bad", None], dtype="string"),
        sentiment=pd.array(["positive", "negative", "neutral", "negative", None], dtype="string"),
        sentiment_score=[0.9, 0.1, 0.5, 0.2, np.nan],
    )
    row = feedback_metrics(df, by=[]).iloc[0]
    assert (row["positive"], row["neutral"], row["negative"]) == (0.25, 0.25, 0.5)


@pytest.mark.parametrize("dtype", ["string", "str"])
def test_text_group_keys_give_the_same_table_as_object_keys(dtype):
    """A text column (with an empty cell) is grouped without turning it into Python objects
    first: the table equals the one grouped on the same values as objects."""
    df = frame(
        nps=[10, 9, 0, 5, 10, 8],
        product=pd.array(["Pay", "App", "Pay", None, "App", "Pay"], dtype=dtype),
    )
    text = feedback_metrics(df, by=["product"])
    plain = feedback_metrics(df.assign(product=df["product"].astype(object)), by=["product"])
    assert text["product"].tolist() == ["App", "Pay"]  # the empty cell is left out
    assert text["n"].tolist() == [2, 3]
    assert text["nps"].tolist() == pytest.approx([100.0, 0.0])
    assert text["nps"].tolist() == plain["nps"].tolist()
    assert text["n"].tolist() == plain["n"].tolist()
