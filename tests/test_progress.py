"""`kpi-workbook run` on a terminal: a progress bar with done / total and the time left."""

from __future__ import annotations

import io
import logging

from kpi_helpers.cli.progress import ProgressHandler, progress_line, time_left


def test_time_left_reads_like_a_person_writes_it():
    assert time_left(42.4) == "42 s"
    assert time_left(200) == "3 min 20 s"
    assert time_left(3900) == "1 h 05 min"


def test_the_bar_shows_done_total_share_and_time_left():
    line = progress_line(50, 200, elapsed=60.0, width=20)
    assert line.startswith("[#####...............]") and " 50/200  25%" in line
    assert line.endswith("about 3 min 00 s left")  # 150 more at 1.2 s each
    assert progress_line(200, 200, elapsed=240.0).endswith("4 min 00 s")


def _record(msg: str, level=logging.INFO, **extra) -> logging.LogRecord:
    record = logging.LogRecord("kpi_helpers.run.runner", level, __file__, 1, msg, None, None)
    record.__dict__.update(extra)
    return record


def test_on_a_terminal_notebooks_move_the_bar_and_failures_print_above_it():
    stream = io.StringIO()
    handler = ProgressHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.emit(_record("run 2026-Q3: 3 notebooks"))
    handler.emit(_record("ok      01_strategy", done=1, total=3))
    handler.emit(_record("FAILED  02_goal_tree", logging.ERROR, done=2, total=3))
    handler.emit(_record("ok      03_kpi_design", done=3, total=3))
    out = stream.getvalue()
    assert out.startswith("run 2026-Q3: 3 notebooks\n")
    assert "ok      01_strategy" not in out  # a finished notebook moves the bar, no line
    assert "\r\x1b[KFAILED  02_goal_tree\n" in out
    assert "1/3" in out and "2/3" in out
    last = out.rstrip("\n").rsplit("\r\x1b[K", 1)[-1]  # what the terminal shows last
    assert last.startswith("[" + "#" * 30 + "] 3/3 100%")
