"""`kpi-workbook run` on a terminal: one progress bar (done / total, time left) instead of a
line per notebook; failures and other messages still print as lines above the bar."""

from __future__ import annotations

import logging
import time

BAR_WIDTH = 30


def time_left(seconds: float) -> str:
    """A short duration: "45 s", "3 min 20 s", "1 h 05 min"."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def progress_line(done: int, total: int, elapsed: float, width: int = BAR_WIDTH) -> str:
    """The bar: `[#########.....]  37/200  18%  about 4 min 10 s left`."""
    total = max(total, 1)
    filled = round(width * done / total)
    bar = "#" * filled + "." * (width - filled)
    line = f"[{bar}] {done:>{len(str(total))}}/{total} {100 * done // total:3d}%"
    if 0 < done < total and elapsed > 0:
        line += f"  about {time_left(elapsed / done * (total - done))} left"
    elif done >= total:
        line += f"  {time_left(elapsed)}"
    return line


class ProgressHandler(logging.Handler):
    """Draws the bar on a terminal stream from records that carry `done` and `total`.

    Records without them (the run's start, failures, "published ...") print as lines; the bar is
    redrawn below them.
    """

    def __init__(self, stream) -> None:
        super().__init__()
        self.stream = stream
        self.started = time.monotonic()
        self.bar = ""

    def _clear(self) -> None:
        if self.bar:
            self.stream.write("\r\x1b[K")
            self.bar = ""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            done, total = getattr(record, "done", None), getattr(record, "total", None)
            self._clear()
            if done is None or total is None or record.levelno >= logging.WARNING:
                self.stream.write(self.format(record) + "\n")
            if done is not None and total is not None:
                if done >= total:
                    self.stream.write(progress_line(done, total, self.elapsed()) + "\n")
                else:
                    self.bar = progress_line(done, total, self.elapsed())
                    self.stream.write(self.bar)
            self.stream.flush()
        except Exception:  # a logging handler never raises into the run
            self.handleError(record)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def close(self) -> None:
        self._clear()
        super().close()
