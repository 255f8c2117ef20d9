"""What every notebook starts from: the data folder, the period, its evaluation and the report language."""

from __future__ import annotations

import copy
import os
import pickle
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from kpi_helpers.config import DATASET_ENV, NOTEBOOKS_DIR, PROJECT_ROOT, REUSE_DATA_ENV
from kpi_helpers.data.dataset import Dataset
from kpi_helpers.data.folder import folder_fingerprint
from kpi_helpers.data.load import load_dataset
from kpi_helpers.data.params import resolve_period, resolve_pms
from kpi_helpers.data.urls import is_database_url
from kpi_helpers.engine.evaluation import PeriodEvaluation, all_actuals, evaluate_period
from kpi_helpers.engine.goal_tree import strategy_changes, strategy_nodes
from kpi_helpers.engine.results import PeriodResults
from kpi_helpers.errors import KpiWorkbookError, UsageError
from kpi_helpers.periods import parse_period, previous_period, sort_periods
from kpi_helpers.report import narrative, short_errors
from kpi_helpers.report.i18n import (
    band_name,
    dimension_name,
    localized,
    pm_names,
    register_product_names,
    register_unit_names,
    report_language,
    t,
)
from kpi_helpers.report.registry import NOTEBOOKS


class ReportError(KpiWorkbookError):
    """A notebook parameter that cannot work (unknown period, PM or language)."""


def resolve_data_dir(data_dir: str | Path, cwd: Path | None = None) -> Path:
    """An absolute data folder; a relative one is taken from the project root.

    The project root is the parent of the notebooks' folder: when the kernel runs inside a
    `notebooks` folder (Jupyter and papermill start kernels there) that is the working folder's
    parent, otherwise the working folder if it holds the data, else the package's project root.
    """
    path = Path(data_dir or "data").expanduser()
    if path.is_absolute():
        return path
    cwd = Path.cwd() if cwd is None else cwd
    candidates = []
    if cwd.name == NOTEBOOKS_DIR.name or any((cwd / nb.file).is_file() for nb in NOTEBOOKS):
        candidates.append(cwd.parent / path)
    candidates += [cwd / path, PROJECT_ROOT / path]
    for c in candidates:
        if c.is_dir():
            return c.resolve()
    return candidates[0].resolve()


@dataclass
class Handover:
    """What a run computed in its own process before the notebooks, handed to their kernels with
    the data set: the period's results (evaluation, review, every comment's sentiment) and the
    company's feedback view (report.feedback_view), so that no kernel computes them again."""

    results: PeriodResults
    # feedback_view.FeedbackView of the whole company, without its rows (rows=None: a report
    # that shows them takes them from the data set and the analysis)
    company_feedback: object | None = None

    @property
    def period(self) -> str:
        return self.results.period


@dataclass
class ReportContext:
    """One report's inputs: dataset, period, evaluation, language and optional PM, plus name look-ups."""

    ds: Dataset
    period: str
    lang: str
    pm: str = ""
    interactive: bool = False
    handover: Handover | None = None  # the run's results when they are for this period
    evaluation: PeriodEvaluation = field(init=False)
    _evaluations: dict[str, PeriodEvaluation] = field(init=False, default_factory=dict)
    _names: dict[str, dict[str, str]] = field(init=False, default_factory=dict)
    # results the reports of this data set and period share in one kernel, keyed by what they
    # depend on (the copies open_period hands out share this dict; see pack.customers)
    shared: OrderedDict = field(init=False, default_factory=OrderedDict)

    def __post_init__(self) -> None:
        register_unit_names(self.ds.kpis)
        register_product_names(self.ds.people)
        if self.handover is not None and self.handover.period != self.period:
            self.handover = None
        if self.handover is not None:
            self.__dict__["actuals"] = self.handover.results.actuals
            self._evaluations[self.period] = self.handover.results.evaluation
        self.evaluation = self.evaluate(self.period)

    @property
    def results(self) -> PeriodResults | None:
        """The period's results as the run computed them (None outside a run)."""
        return self.handover.results if self.handover is not None else None

    @property
    def feedback_analysed(self) -> pd.DataFrame | None:
        """Every feedback row's period, sentiment, score and language when the run analysed
        them (feedback.analysis.analyse_rows), else None (a report then analyses its own)."""
        return self.results.feedback_analysed if self.results is not None else None

    @cached_property
    def actuals(self) -> pd.DataFrame:
        """actuals.csv plus the actuals derived from feedback and reviews."""
        return all_actuals(self.ds)

    @property
    def previous(self) -> str | None:
        """The previous period when it has actuals, else None."""
        return self.evaluation.previous

    @cached_property
    def history(self) -> list[str]:
        """Periods with actuals up to and including this one, oldest first."""
        now = parse_period(self.period).ordinal
        periods = sort_periods(self.actuals["period"].dropna())
        return [p for p in periods if parse_period(p).ordinal <= now]

    def evaluate(self, period: str) -> PeriodEvaluation:
        """The evaluation of any period (cached; this period's is `evaluation`)."""
        if period not in self._evaluations:
            self._evaluations[period] = evaluate_period(self.ds, period, self.actuals)
        return self._evaluations[period]

    @property
    def evaluations(self) -> dict[str, PeriodEvaluation]:
        """The evaluation of every period in `history`, oldest first (for trends)."""
        return {p: self.evaluate(p) for p in self.history}

    @property
    def previous_totals(self) -> pd.DataFrame | None:
        """PM totals of the previous period, or None when it has no actuals."""
        return self.evaluate(self.previous).totals if self.previous else None

    @property
    def calendar_previous(self) -> str:
        """The period just before this one in the cadence (whether or not it has data)."""
        return previous_period(self.period)

    @cached_property
    def nodes(self) -> pd.DataFrame:
        """The strategy tree of the period (goal_tree.strategy_nodes)."""
        return strategy_nodes(self.ds.company, self.ds.kpis, self.period)

    @cached_property
    def changes(self) -> pd.DataFrame:
        """What changed in the strategy and the KPI set since the calendar previous period."""
        c = self.ds
        return strategy_changes(c.company, c.kpis, c.targets, self.period, self.calendar_previous)

    def title(self, report: str) -> str:
        """The report's H1: company, period, report title (and the PM's name when set)."""
        pm_name = self.pm_name(self.pm) if self.pm else ""
        return narrative.title(report, self.company_name, self.period, self.lang, pm_name)

    @property
    def company_name(self) -> str:
        return self.ds.company.display_name(self.lang)

    @property
    def pm_ids(self) -> list[str]:
        """The PMs of the report: the one asked for, else everyone with KPIs this period."""
        if self.pm:
            return [self.pm]
        scored = set(self.evaluation.card["pm_id"].dropna())
        return [p for p in self.ds.people["pm_id"] if p in scored] or sorted(scored)

    @property
    def detail_pm_ids(self) -> list[str]:
        """The PMs a company page shows one by one: all of them up to DETAIL_PMS, else none
        (each PM's detail is then on their own page; see pm_pages_note)."""
        return self.pm_ids if self.pm or len(self.pm_ids) <= DETAIL_PMS else []

    def pm_pages_note(self) -> str:
        """A sentence linking each PM's page when the company page leaves their detail out."""
        if self.detail_pm_ids:
            return ""
        return narrative.pm_pages_note(self.pm_ids, self.pm_names(), self.lang)

    def t(self, key: str, **params) -> str:
        return t(key, self.lang, **params)

    def pm_names(self) -> dict[str, str]:
        """pm_id -> display name in the report's language (made once per language)."""
        if self.lang not in self._names:
            self._names[self.lang] = pm_names(self.ds.people, self.lang)
        return self._names[self.lang]

    def pm_name(self, pm_id: str) -> str:
        return self.pm_names().get(pm_id, str(pm_id))

    def kpi_name(self, kpi_id: str) -> str:
        row = self.ds.kpis[self.ds.kpis["kpi_id"] == kpi_id]
        return localized(row.iloc[0], "name", self.lang) if len(row) else str(kpi_id)

    def dimension(self, key: str) -> str:
        return dimension_name(key, self.lang)

    def band(self, band: str | None) -> str:
        return band_name(band, self.lang)

    def for_detail(self, frame: pd.DataFrame, column: str = "pm_id") -> pd.DataFrame:
        """Rows of `frame` for the PMs the page shows one by one (detail_pm_ids)."""
        return frame[frame[column].isin(self.detail_pm_ids)]

    def for_pm(self, frame: pd.DataFrame, column: str = "pm_id") -> pd.DataFrame:
        """Rows of `frame` for the report's PM (all rows when no PM is set)."""
        if not self.pm or frame is None or column not in frame:
            return frame
        return frame[frame[column] == self.pm]


_REUSE_MAX = 4
# Company pages show PM-by-PM sections up to this many PMs; beyond, the PMs' own pages do.
DETAIL_PMS = 12
_reused: OrderedDict[tuple, ReportContext] = OrderedDict()


def open_period(
    data_dir: str | Path = "data",
    period: str = "",
    lang: str = "zh",
    pm: str = "",
    interactive: bool = False,
) -> ReportContext:
    """Load and validate the data folder and evaluate the period; the notebooks' first call.

    In a report kernel (KPI_WORKBOOK_REUSE_DATA=1, which `kpi-workbook run` sets) the loaded
    data and the period's evaluation are kept and shared by the following notebooks of the same
    period, as long as no file of the data folder has changed (name, size and modification time
    are compared). A database source is read afresh by every notebook.

    Args:
        data_dir: the data folder (relative paths are taken from the project root), or a
            database URL holding the same tables (kpi_helpers.data.database).
        period: e.g. "2026-Q3"; empty means the latest period with actuals.
        lang: "zh" or "en"; empty means the company's default language.
        pm: a pm_id to report on one PM only; empty for everyone.
        interactive: show controls where a notebook offers them.
    Returns:
        A ReportContext. Raises DataError for bad data, ReportError for bad parameters; in a
        notebook either shows as one sentence, without a traceback.
    """
    short_errors.install()
    source = str(data_dir) if is_database_url(data_dir) else resolve_data_dir(data_dir)
    key = _reuse_key(source, period)
    base = _reused.get(key) if key else None
    if base is None:
        ds, handover = _load(source, key)
        chosen = _choose_period(ds, period)
        base = ReportContext(ds, chosen, _check_lang(ds, lang), handover=handover)
        if key:
            _reused[key] = base
            while len(_reused) > _REUSE_MAX:
                _reused.popitem(last=False)
    # A shallow copy: the data and the evaluations are shared, the report's own choices are not.
    ctx = copy.copy(base)
    ctx.lang = _check_lang(base.ds, lang)
    ctx.pm = _check_pm(base.ds, pm)
    ctx.interactive = interactive
    return ctx


def _reuse_key(source: str | Path, period: str) -> tuple | None:
    """What a kept evaluation depends on: the folder's files and the period (None: no reuse)."""
    if os.environ.get(REUSE_DATA_ENV) != "1" or not isinstance(source, Path) or not source.is_dir():
        return None
    return folder_fingerprint(source), (period or "").strip()


def _load(source: str | Path, key: tuple | None) -> tuple[Dataset, Handover | None]:
    """The data set, and what the run computed from it: the run's own copies when it handed
    them over for this very folder state (run.pool writes them), else the folder loaded here."""
    handed = os.environ.get(DATASET_ENV)
    if key and handed and Path(handed).is_file():
        with open(handed, "rb") as f:
            fingerprint, ds, handover = pickle.load(f)
        if fingerprint == key[0]:
            return ds, handover
    return load_dataset(source), None


def _check_lang(ds: Dataset, lang: str) -> str:
    try:
        return report_language(lang, ds.company.language)
    except ValueError as e:
        raise ReportError(f"lang = {e}") from None


def _choose_period(ds: Dataset, period: str) -> str:
    try:
        return resolve_period(ds, period, name="period")
    except UsageError as e:
        raise ReportError(str(e)) from None


def _check_pm(ds: Dataset, pm: str) -> str:
    pm = (pm or "").strip()
    try:
        return resolve_pms(ds, [pm], name="pm")[0] if pm else ""
    except UsageError as e:
        raise ReportError(str(e)) from None
