"""`kpi-workbook run`: execute the notebook chain for a period and publish the HTML reports."""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from kpi_helpers.cli.common import choose_period, load, os_error_sentence
from kpi_helpers.cli.progress import ProgressHandler
from kpi_helpers.config import NOTEBOOKS_DIR
from kpi_helpers.data.params import resolve_pms
from kpi_helpers.data.urls import mask_secrets
from kpi_helpers.errors import KpiWorkbookError, UsageError, printable
from kpi_helpers.publish.html import restore_interrupted
from kpi_helpers.report.i18n import report_language
from kpi_helpers.run.runner import run_reports

# Not a terminal (cron, CI): timestamped log lines, one per notebook; a terminal: a progress bar.
LOG_FORMAT = "%(asctime)s %(levelname)s %(message)s"
log = logging.getLogger("kpi_helpers.run.cli")


class _MaskSecrets(logging.Filter):
    """Log lines with passwords masked and control characters escaped."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = printable(mask_secrets(record.getMessage()))
        record.args = None
        return True


def _configure_logging() -> logging.Handler:
    if sys.stderr.isatty():
        handler = ProgressHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
    else:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(LOG_FORMAT, datefmt="%Y-%m-%dT%H:%M:%S%z"))
    handler.addFilter(_MaskSecrets())  # passwords masked, control characters escaped
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


def file_mode(text: str) -> int:
    """--file-mode as a number: octal digits such as 0640 or 640, at most 0777."""
    try:
        mode = int(text, 8)
    except ValueError:
        mode = -1
    if not 0 <= mode <= 0o777 or not mode & 0o400:
        raise UsageError(
            f"--file-mode: '{text}' is not a file mode the owner can read; write octal digits "
            "such as 0640 (owner and group) or 0644 (everyone)"
        )
    return mode


def prepare_out(out: Path) -> Path:
    """The reports folder, made if needed, with the periods of killed runs put back first.

    Raises:
        KpiWorkbookError: --out is a file, lies under a file, or cannot be written.
    """
    try:
        out.mkdir(parents=True, exist_ok=True)
        if not os.access(out, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, "Permission denied", str(out))
    except OSError as e:
        raise KpiWorkbookError(f"--out {os_error_sentence(e)}") from None
    for period in restore_interrupted(out):
        log.warning("put back the reports of %s, which an interrupted run had moved aside", period)
    return out


def main(args) -> int:
    if args.jobs is not None and args.jobs < 1:
        raise UsageError("--jobs must be 1 or more")
    mode = file_mode(args.file_mode)
    handler = _configure_logging()
    try:
        prepare_out(Path(args.out))
    finally:
        logging.getLogger("kpi_helpers.run").removeHandler(handler)
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
                pm_packs=args.pm_packs,
                file_mode=mode,
            )
    finally:
        logging.getLogger("kpi_helpers.run").removeHandler(handler)
        handler.close()
    print(summary.folder / "index.html")
    return 0
