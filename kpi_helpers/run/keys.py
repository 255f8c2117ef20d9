"""Reuse keys of a run's pages: what each page depends on, as one digest.

A re-run without --force reuses a published page when its key is unchanged. A company page
shows the whole company, so its key holds the digest of every input. A PM's page
(pm/<pm_id>.html, made by the product's own 05_evaluation notebook) shows that PM only, beside a
few company-wide values, so its key holds exactly those:

- the PM's rows of every input table: the people row, the KPIs they own (every version), the
  targets, actuals, derived actuals and check-ins of those KPIs, the reviews about them and
  their assessments (every period), the events covering their KPIs, products, team or the
  company, the feedback on their products;
- the PM's rows of the period's results: scorecard, total, dimension scores, contributions,
  previous total, review findings (about the PM or their KPIs), proposal and effect;
- what other PMs' data reaches the page: the rank among N, the company mean of the 360 for
  each dimension and role the PM is rated on, the total, coverage and band of every period of
  the score history, the periods with actuals, the current check-in period and the English
  names of the PM's units and products (any row of kpis.csv / people.csv may give them);
- company.yaml, keywords.yaml and the columns of every table.

A PM notebook that is not the product's own (another notebooks folder) may show anything, so
its pages keep the all-inputs key. Everything here is pure: digests of frames and values.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_helpers.data.dataset import Dataset
from kpi_helpers.engine.checkins import current_period
from kpi_helpers.engine.evaluation import evaluate_period
from kpi_helpers.engine.results import PeriodResults
from kpi_helpers.periods import parse_period, sort_periods
from kpi_helpers.publish.html import code_digest, digest_of, sha256_file, versions
from kpi_helpers.run.plan import NotebookJob

# Input tables and the column that ties a row to a PM: their pm_id, one of their KPIs, one of
# their products, or an event's scope (a KPI, product, team or `company`).
RAW_TABLES = {
    "people": "pm_id",
    "kpis": "kpi_id",
    "targets": "kpi_id",
    "actuals": "kpi_id",
    "checkins": "kpi_id",
    "reviews": "pm_id",
    "assessments": "pm_id",
    "events": "scope",
    "feedback": "product",
}
NOT_SHOWN = ("_row",)  # the file row of a value, used in messages only


def _row_hashes(frame: pd.DataFrame) -> np.ndarray:
    """One 64-bit hash per row of every shown column (stable across processes and runs)."""
    body = frame.drop(columns=[c for c in NOT_SHOWN if c in frame.columns])
    if body.empty:
        return np.zeros(len(body), dtype="uint64")
    hashes = pd.util.hash_pandas_object(body, index=False, categorize=False)
    return hashes.to_numpy(dtype="uint64")


def _digest(hashes: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(hashes).tobytes()).hexdigest()


def group_digests(frame: pd.DataFrame | None, column: str) -> dict[str, str]:
    """value of `column` -> digest of its rows in file order (rows without a value left out)."""
    if frame is None or frame.empty or column not in frame.columns:
        return {}
    hashes = _row_hashes(frame)
    keys = frame[column].astype("string")
    out = {}
    for value, positions in keys.groupby(keys, sort=False, dropna=True).indices.items():
        out[str(value)] = _digest(hashes[np.sort(positions)])
    return out


def rows_digest(hashes: np.ndarray, mask) -> str:
    """Digest of the rows whose `_row_hashes` are `hashes` that `mask` keeps."""
    return _digest(hashes[np.asarray(mask, dtype=bool)])


def _pick(digests: dict[str, str], values: Iterable) -> list:
    """The digests of `values` (sorted, so order of look-up does not matter), missing as None."""
    return [[v, digests.get(v)] for v in sorted({str(v) for v in values})]


def _products(value) -> tuple[str, ...]:
    return tuple(str(p) for p in value) if isinstance(value, (list, tuple)) else ()


def history_periods(actuals: pd.DataFrame, period: str) -> list[str]:
    """Periods with actuals up to and including `period`, oldest first (a PM page's history)."""
    now = parse_period(period).ordinal
    periods = sort_periods(actuals["period"].dropna())
    return [p for p in periods if parse_period(p).ordinal <= now]


def history_totals(ds: Dataset, results: PeriodResults) -> dict[str, pd.DataFrame]:
    """Every PM's totals in every period of the history (the period's own from `results`)."""
    out = {}
    for p in history_periods(results.actuals, results.period):
        ev = results.evaluation if p == results.period else evaluate_period(ds, p, results.actuals)
        out[p] = ev.totals
    return out


def _english_names(pairs: Iterable[tuple[str, object]]) -> dict[str, str]:
    """The last non-empty English name given for each value (as the report registers them)."""
    names = {}
    for value, name in pairs:
        if isinstance(name, str) and name.strip():
            names[value] = name.strip()
    return names


def unit_names(kpis: pd.DataFrame) -> dict[str, str]:
    """unit -> its English form, from any row of kpis.csv (column unit_en)."""
    if "unit_en" not in kpis or "unit" not in kpis:
        return {}
    return _english_names(
        (u.strip(), e)
        for u, e in zip(kpis["unit"], kpis["unit_en"], strict=True)
        if isinstance(u, str)
    )


def product_names(people: pd.DataFrame) -> dict[str, str]:
    """product -> its English name, from any row of people.csv (column products_en)."""
    if "products_en" not in people or "products" not in people:
        return {}
    return _english_names(
        (p, n)
        for ps, ns in zip(people["products"], people["products_en"], strict=True)
        if isinstance(ns, (list, tuple))
        for p, n in zip(_products(ps), ns, strict=False)
    )


def mean_360_shown(reviews: pd.DataFrame, period: str) -> dict[str, list[dict]]:
    """pm_id -> the company's mean 360 score of the period for each dimension and rater role
    the PM is rated in (the means their page shows beside their own)."""
    now = reviews[reviews["period"] == period]
    keys = ["dimension", "rater_role"]
    means = now.groupby(keys, dropna=False)["score"].mean().rename("company_mean").reset_index()
    rated = now[["pm_id", *keys]].drop_duplicates().merge(means, on=keys)
    rated = rated.sort_values(["pm_id", *keys], kind="stable")
    return {
        str(pm): group[[*keys, "company_mean"]].to_dict("records")
        for pm, group in rated.groupby("pm_id", sort=False)
    }


def ranks(totals: pd.DataFrame) -> dict[str, list]:
    """pm_id -> [rank, N] as a PM page's headline counts them (rank None without a total)."""
    scored = totals["total"].notna()
    rank = totals["total"].rank(method="min", ascending=False)
    n = int(scored.sum())
    return {
        str(pm): [int(r) if ok else None, n]
        for pm, r, ok in zip(totals["pm_id"], rank, scored, strict=True)
    }


def keywords_digest(ds: Dataset) -> str:
    """sha256 of the data folder's keywords.yaml ("" when there is none)."""
    path = Path(ds.data_dir) / "keywords.yaml" if ds.data_dir is not None else None
    return sha256_file(path) if path is not None and path.is_file() else ""


def company_digest(ds: Dataset, inputs: dict[str, str]) -> str:
    """The digest of company.yaml (the file, or the database's company table)."""
    path = ds.files.get("company")
    if path is not None and Path(path).name in inputs:
        return inputs[Path(path).name]
    if "company" in inputs:
        return inputs["company"]
    return digest_of(inputs)  # unknown: every input, so nothing is missed


def pm_digests(
    ds: Dataset,
    results: PeriodResults,
    pm_ids: list[str],
    inputs: dict[str, str],
    history: dict[str, pd.DataFrame] | None = None,
) -> dict[str, str]:
    """pm_id -> digest of everything that PM's page shows (see the module docstring).

    Args:
        ds: the data set of the run.
        results: the period's results (engine.results.period_results).
        pm_ids: the PMs whose pages the run makes.
        inputs: the run's input digests (file name or table -> sha256).
        history: history_totals(ds, results), when already made.
    """
    period = results.period
    history = history_totals(ds, results) if history is None else history
    raw = {name: group_digests(getattr(ds, name), col) for name, col in RAW_TABLES.items()}
    derived = group_digests(results.actuals, "kpi_id")
    ev = results.evaluation
    by_pm = {
        "card": group_digests(ev.card, "pm_id"),
        "totals": group_digests(ev.totals, "pm_id"),
        "dimensions": group_digests(ev.dimensions, "pm_id"),
        "contributions": group_digests(ev.contributions, "pm_id"),
        "previous_totals": group_digests(results.previous_totals, "pm_id"),
        "proposal": group_digests(results.review.proposal, "pm_id"),
        "effect": group_digests(results.review.effect, "pm_id"),
    }
    trend = {p: group_digests(totals, "pm_id") for p, totals in history.items()}
    means = mean_360_shown(ds.reviews, period)
    rank = ranks(ev.totals)
    findings, proposal = results.review.findings, results.review.proposal
    finding_hashes, proposal_hashes = _row_hashes(findings), _row_hashes(proposal)
    finding_pms, finding_kpis = (
        findings["pm_id"].astype("string"),
        findings["kpi_id"].astype("string"),
    )
    proposal_kpis = proposal["kpi_id"].astype("string")
    units_en, products_en = unit_names(ds.kpis), product_names(ds.people)
    shared = {
        "company": company_digest(ds, inputs),
        "keywords": keywords_digest(ds),
        "columns": {name: [str(c) for c in getattr(ds, name).columns] for name in RAW_TABLES},
        "period": period,
        "previous": ev.previous,
        "history": list(history),
        "periods": ds.periods,
        "next_period": results.review.next_period,
        "checkins_period": current_period(ds.checkins, ds.periods, ds.company.cadence),
    }
    kpis = ds.kpis.astype({"kpi_id": "string", "owner": "string"})
    owned = {str(o): set(g) for o, g in kpis.groupby("owner")["kpi_id"]}
    units_of = {str(k): set(g.dropna()) for k, g in kpis.groupby("kpi_id")["unit"]}
    team = ds.people["team"] if "team" in ds.people else pd.Series(None, index=ds.people.index)
    people = {
        str(pm): (set(_products(ps)), t if isinstance(t, str) else None)
        for pm, ps, t in zip(ds.people["pm_id"], ds.people["products"], team, strict=True)
    }
    out = {}
    for pm in pm_ids:
        kpi_ids = owned.get(pm, set())
        products, team_name = people.get(pm, (set(), None))
        scopes = kpi_ids | products | {"company"} | ({team_name} if team_name else set())
        units = {str(u).strip() for k in kpi_ids for u in units_of.get(k, ())}
        about = ((finding_pms == pm) | finding_kpis.isin(kpi_ids)).fillna(False)
        raw_rows = {
            "people": _pick(raw["people"], [pm]),
            "reviews": _pick(raw["reviews"], [pm]),
            "assessments": _pick(raw["assessments"], [pm]),
            "events": _pick(raw["events"], scopes),
            "feedback": _pick(raw["feedback"], products),
            **{name: _pick(raw[name], kpi_ids) for name in ("kpis", "targets", "actuals")},
            "checkins": _pick(raw["checkins"], kpi_ids),
            "derived": _pick(derived, kpi_ids),
        }
        computed = {name: digests.get(pm) for name, digests in by_pm.items()}
        computed.update(
            rank=rank.get(pm),
            findings=rows_digest(finding_hashes, about),
            proposal_kpis=rows_digest(proposal_hashes, proposal_kpis.isin(kpi_ids).fillna(False)),
            history=[[p, digests.get(pm)] for p, digests in trend.items()],
            mean_360=means.get(pm, []),
            unit_names={u: units_en.get(u) for u in sorted(units)},
            product_names={p: products_en.get(p) for p in sorted(products)},
        )
        out[pm] = digest_of({"shared": shared, "raw": raw_rows, "computed": computed})
    return out


def job_key(job: NotebookJob, inputs: dict[str, str], data: str | None = None) -> str:
    """Everything a page depends on; equal keys mean re-running would give the same page.

    `data` is the PM's digest (pm_digests) for a PM page of the product's own notebook; without
    it the key holds every input (and keywords.yaml, through `inputs`).
    """
    return digest_of(
        {
            "notebook": sha256_file(job.notebook),
            "parameters": job.parameters,
            "title": job.title,
            "inputs": inputs if data is None else {"pm": data},
            "code": code_digest(),
            "versions": versions(),
        }
    )


def is_product_notebook(notebook: Path, product_notebooks: Path) -> bool:
    """Whether `notebook` is the product's own notebook of the same name (same content)."""
    own = Path(product_notebooks) / Path(notebook).name
    return own.is_file() and sha256_file(Path(notebook)) == sha256_file(own)


def run_keys(
    ds: Dataset,
    jobs: list[NotebookJob],
    inputs: dict[str, str],
    results: PeriodResults | None,
    product_notebooks: Path,
) -> dict[str, str]:
    """job name -> reuse key: per-PM keys for the product's PM notebook, all inputs otherwise
    (and for every page when the period's results could not be computed: `results` None)."""
    every = {**inputs, "keywords.yaml": keywords_digest(ds)}
    pm_jobs = {
        j.name: j.pm_id
        for j in jobs
        if results is not None and j.pm_id and is_product_notebook(j.notebook, product_notebooks)
    }
    digests = pm_digests(ds, results, list(pm_jobs.values()), inputs) if pm_jobs else {}
    return {
        job.name: job_key(job, every, digests[pm_jobs[job.name]] if job.name in pm_jobs else None)
        for job in jobs
    }
