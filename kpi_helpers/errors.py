"""Problems found in user data, and the exceptions that carry them to the command line."""

from __future__ import annotations

import re
from dataclasses import dataclass

# C0 and C1 control characters (escape sequences, NUL, bell...), except tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """Text with control characters shown escaped (an ESC as \\x1b), safe to print to a terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(text))


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (file, spreadsheet row or YAML line, column) and what to do."""

    file: str
    row: int | None
    column: str
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        row = "" if self.row is None else str(self.row)
        tag = "" if self.severity == "error" else "warning: "
        return printable(f"{self.file}:{row}: {self.column}: {tag}{self.message}")


class KpiWorkbookError(Exception):
    """Base of every error the command line turns into one sentence and exit code 1."""


class DataError(KpiWorkbookError):
    """The data folder has errors; `problems` lists every one of them."""

    def __init__(self, problems: list[Problem], lang: str = "en"):
        self.problems = [p for p in problems if p.severity == "error"] or list(problems)
        self.lang = lang  # the company's language, for the messages shown to the user
        first = self.problems[0] if self.problems else "the data has errors"
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(f"{first}{more}")


class UsageError(KpiWorkbookError):
    """A command-line value that cannot work (exit code 2)."""
