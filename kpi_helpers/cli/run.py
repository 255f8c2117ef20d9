"""`kpi-workbook run`: execute the notebook chain for a period and publish the HTML reports."""

from __future__ import annotations

import contextlib
import logging
import signal
import sys
import threading
from pathlib import Path

from kpi_helpers.cli.common import choose_period, load
from kpi_helpers.config import NOTEBOOKS_DIR
from kpi_helpers.data.params import resolve_pms
from kpi_helpers.errors import UsageError
from kpi_helpers.report.i18n import report_language
from kpi_helpers.run.runner import run_reports

# Not a terminal (cron, CI): timestamped log lines; a terminal: one plain line per notebook.
LOG_FORMAT = "%(asctime)s %(levelname)s %(message)s"


def _configure_logging() -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    if sys.stderr.isatty():
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:
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
    lang = report_language(args.lang, ds.company.language)
    pm_ids = resolve_pms(ds, args.pm)
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
    print(summary.folder / "index.html")
    return 0
