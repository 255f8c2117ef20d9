"""`kpi-workbook run`: execute the notebook chain for a period and publish the HTML reports."""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
import threading
from pathlib import Path

from kpi_helpers.cli.common import choose_period, load
from kpi_helpers.cli.progress import ProgressHandler
from kpi_helpers.config import NOTEBOOKS_DIR
from kpi_helpers.errors import UsageError
from kpi_helpers.periods import cadence_kind, parse_period
from kpi_helpers.report.i18n import LANGUAGES
from kpi_helpers.run.runner import run_reports

# Not a terminal (cron, CI): timestamped log lines, one per notebook; a terminal: a progress bar.
LOG_FORMAT = "%(asctime)s %(levelname)s %(message)s"


def selected_pms(people_ids: list[str], arg: str | None) -> list[str]:
    """The PM ids of `--pm all` or `--pm ID,ID` (order kept, duplicates dropped)."""
    if not arg or arg.strip().lower() == "all":
        return list(people_ids)
    wanted = list(dict.fromkeys(p.strip() for p in arg.split(",") if p.strip()))
    unknown = [p for p in wanted if p not in people_ids]
    if unknown:
        known = ", ".join(people_ids[:5]) + (" ..." if len(people_ids) > 5 else "")
        raise UsageError(
            f"--pm: no product manager with id {', '.join(unknown)} in people.csv "
            f"(ids there: {known}); pass --pm all or ids from people.csv"
        )
    return wanted


def _configure_logging() -> logging.Handler:
    if sys.stderr.isatty():
        handler = ProgressHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(LOG_FORMAT, datefmt="%Y-%m-%dT%H:%M:%S%z"))
    logger = logging.getLogger("kpi_helpers.run")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return handler


@contextlib.contextmanager
def _terminate_as_interrupt():
    """Let SIGTERM (a scheduler stopping the job) unwind like Ctrl-C, so temp folders go."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(args) -> int:
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be 1 or more")
    if args.executor == "dask" and not args.scheduler:
        raise UsageError("--executor dask needs --scheduler tcp://HOST:PORT")
    if args.scheduler and args.executor != "dask":
        raise UsageError("--scheduler is only used with --executor dask")
    ds = load(args)
    period = choose_period(ds, args.period)
    if parse_period(period).kind != cadence_kind(ds.company.cadence):
        raise UsageError(
            f"--period {period} does not fit the company's cadence ({ds.company.cadence}) "
            "in company.yaml; write quarters like 2026-Q3 and half-years like 2026-H1"
        )
    lang = args.lang or (ds.company.language if ds.company.language in LANGUAGES else "zh")
    pm_ids = selected_pms([str(p) for p in ds.people["pm_id"]], args.pm)
    handler = _configure_logging()
    try:
        with _terminate_as_interrupt():
            summary = run_reports(
                ds,
                period,
                lang=lang,
                pm_ids=pm_ids,
                out_dir=Path(args.out),
                notebooks_dir=NOTEBOOKS_DIR,
                workers=args.jobs,
                force=args.force,
                pdf=args.pdf,
                allow_partial=args.allow_partial,
                executor=args.executor,
                scheduler=args.scheduler,
            )
    finally:
        logging.getLogger("kpi_helpers.run").removeHandler(handler)
        handler.close()
    print(summary.folder / "index.html")
    return 0
