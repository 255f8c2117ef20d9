"""A larger company grown from the sample: N product managers and M feedback rows.

For trying the product at scale (bench/bench_scale.py). Every PM is a copy of one of the
sample's six (same team, products and KPI design, KPI ids suffixed with the PM's number) whose
actuals are moved by a few percent, so scores differ; reviews are copied with the PM's id. The
feedback table is drawn from the sample's rows with replacement: each new row keeps one row's
date, product, channel and scores and joins its comment with another comment of the same
language, so texts stay real-sounding and mostly distinct. Seeded: the same arguments give the
same files.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_helpers.data.sample import DEFAULT_SEED, build_sample

ACTUAL_JITTER = 0.06  # relative standard deviation applied to each copied actual


def _read(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def _write(frame: pd.DataFrame) -> str:
    return frame.to_csv(index=False, lineterminator="\n")


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _jitter(values: pd.Series, rng: np.random.Generator) -> pd.Series:
    """Numeric actuals moved by a few percent, written with the decimals they had."""
    out = values.copy()
    for i, text in values.items():
        if text.strip():
            moved = float(text) * (1 + rng.normal(0, ACTUAL_JITTER))
            out[i] = f"{moved:.{_decimals(text)}f}"
    return out


def _feedback(frame: pd.DataFrame, rows: int, rng: np.random.Generator) -> pd.DataFrame:
    picks = frame.iloc[rng.integers(0, len(frame), rows)].reset_index(drop=True)
    texts = frame["text"].to_numpy()
    by_lang = {lang: np.flatnonzero(frame["lang"].to_numpy() == lang) for lang in ("zh", "en")}
    other = np.empty(rows, dtype=object)
    for lang, pool in by_lang.items():
        mine = np.flatnonzero(picks["lang"].to_numpy() == lang)
        other[mine] = texts[pool[rng.integers(0, len(pool), len(mine))]] if len(pool) else ""
    joiner = np.where(picks["lang"].to_numpy() == "zh", "；", " ")
    has_text = picks["text"].str.strip().ne("").to_numpy()
    picks["text"] = np.where(has_text, picks["text"].to_numpy() + joiner + other, "")
    picks["feedback_id"] = [f"FB{i:07d}" for i in range(1, rows + 1)]
    return picks.sort_values(["date", "feedback_id"], kind="stable")


def scale_sample(
    pms: int, feedback_rows: int | None = None, seed: int = DEFAULT_SEED
) -> dict[str, str]:
    """Every file of a company with `pms` product managers (and `feedback_rows` feedback rows;
    None keeps the sample's own feedback), by file name."""
    if pms < 1:
        raise ValueError("pms must be at least 1")
    files = build_sample(seed)
    rng = np.random.default_rng([seed, 9])
    people, kpis = _read(files["people.csv"]), _read(files["kpis.csv"])
    targets, actuals = _read(files["targets.csv"]), _read(files["actuals.csv"])
    reviews, notes = _read(files["reviews.csv"]), _read(files["assessments.csv"])
    checkins, events = _read(files["checkins.csv"]), _read(files["events.csv"])
    new_people, new_kpis, new_targets, new_actuals, new_reviews = [], [], [], [], []
    new_notes, new_checkins = [], []
    new_events = [events[~events["scope"].isin(kpis["kpi_id"])]]
    for i in range(pms):
        src = people.iloc[i % len(people)]
        pm_id, n = f"PM{i + 1:03d}", i + 1
        new_people.append(
            src.to_frame().T.assign(
                pm_id=pm_id, name=f"{src['name']}{n}", name_en=f"{src['name_en']} {n}"
            )
        )
        mine = kpis[kpis["owner"] == src["pm_id"]]
        ids = {k: f"{k}-{n:03d}" for k in mine["kpi_id"]}
        new_kpis.append(mine.assign(owner=pm_id, kpi_id=mine["kpi_id"].map(ids)))
        t = targets[targets["kpi_id"].isin(ids)]
        new_targets.append(t.assign(kpi_id=t["kpi_id"].map(ids)))
        a = actuals[actuals["kpi_id"].isin(ids)]
        new_actuals.append(a.assign(kpi_id=a["kpi_id"].map(ids), value=_jitter(a["value"], rng)))
        r = reviews[reviews["pm_id"] == src["pm_id"]]
        new_reviews.append(r.assign(pm_id=pm_id))
        s = notes[notes["pm_id"] == src["pm_id"]]
        new_notes.append(s.assign(pm_id=pm_id))
        c = checkins[checkins["kpi_id"].isin(ids)]
        new_checkins.append(c.assign(kpi_id=c["kpi_id"].map(ids)))
        e = events[events["scope"].isin(ids)]
        new_events.append(e.assign(scope=e["scope"].map(ids)))
    out = dict(files)
    out["people.csv"] = _write(pd.concat(new_people))
    out["kpis.csv"] = _write(pd.concat(new_kpis))
    out["targets.csv"] = _write(pd.concat(new_targets))
    out["actuals.csv"] = _write(pd.concat(new_actuals).sort_values("period", kind="stable"))
    out["reviews.csv"] = _write(pd.concat(new_reviews).sort_values("period", kind="stable"))
    out["assessments.csv"] = _write(pd.concat(new_notes).sort_values("period", kind="stable"))
    out["checkins.csv"] = _write(pd.concat(new_checkins).sort_values("date", kind="stable"))
    out["events.csv"] = _write(pd.concat(new_events).sort_values("period", kind="stable"))
    if feedback_rows is not None:
        feedback = _feedback(_read(files["feedback.csv"]), feedback_rows, rng)
        out["feedback.csv"] = _write(feedback)
    return out


def write_scaled(
    out: Path, pms: int, feedback_rows: int | None = None, seed: int = DEFAULT_SEED
) -> Path:
    """Write scale_sample's files to `out` (created if needed; its files replaced)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name, text in scale_sample(pms, feedback_rows, seed).items():
        (out / name).write_bytes(text.encode("utf-8"))
    return out
