"""Compare the pages of two published runs, apart from embedded images, dates, times, durations
and temporary paths.

    python -m tools.compare_reports /tmp/before-zh /tmp/after-zh

A and B are `--out` folders of `kpi-workbook run` (or period folders inside them). Every HTML page
of A is compared with the page of the same path in B; the differences are printed as unified
diffs, one line of text a line of diff. Exit code 0 when the pages are the same, 1 when they
differ, 2 when a folder is missing.
"""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path

_DATA_URI = re.compile(r"data:[\w.+-]+/[\w.+-]+(;[\w=.-]+)*;base64,[A-Za-z0-9+/=\s]+")
# a date with a time of day (when a page was made), e.g. 2026-11-30 10:04 or 2026-11-30T10:04:05+0000
_STAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?(\s?UTC)?"
)
_DURATION = re.compile(r"\b\d+(\.\d+)?\s?(s|ms|秒)\b")
_TEMP_PATH = re.compile(r"(/private)?/(tmp|var/folders)/[^\s\"'<>)]*")
_TAGS = re.compile(r">\s*<")


def normalise(text: str, roots: tuple[str, ...] = ()) -> str:
    """The page with images, time stamps, durations and temporary paths replaced by markers,
    split one tag a line so that a difference shows where it is."""
    for root in roots:
        text = text.replace(root, "<out>")
    text = _DATA_URI.sub("data:<image>", text)
    text = _STAMP.sub("<time>", text)
    text = _DURATION.sub("<duration>", text)
    text = _TEMP_PATH.sub("<temp>", text)
    return _TAGS.sub(">\n<", text)


def pages(folder: Path) -> dict[str, Path]:
    """Every HTML page under the folder, by its path inside it."""
    return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*.html"))}


def compare(a: Path, b: Path, context: int = 1) -> list[str]:
    """The differences between the pages of two runs (an empty list when they are the same)."""
    a, b = Path(a), Path(b)
    roots = tuple(str(p) for p in (a.resolve(), b.resolve(), a, b))
    left, right = pages(a), pages(b)
    out = [f"only in {a}: {name}" for name in sorted(set(left) - set(right))]
    out += [f"only in {b}: {name}" for name in sorted(set(right) - set(left))]
    for name in sorted(set(left) & set(right)):
        old = normalise(left[name].read_text(encoding="utf-8"), roots).splitlines()
        new = normalise(right[name].read_text(encoding="utf-8"), roots).splitlines()
        diff = list(
            difflib.unified_diff(old, new, f"{a.name}/{name}", f"{b.name}/{name}", n=context)
        )
        out += [line.rstrip("\n") for line in diff]
    return out


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m tools.compare_reports A B", file=sys.stderr)
        return 2
    a, b = (Path(x) for x in args)
    for folder in (a, b):
        if not folder.is_dir():
            print(f"{folder} is not a folder; give two --out folders of kpi-workbook run")
            return 2
    differences = compare(a, b)
    n = len(pages(a))
    if not differences:
        print(f"{n} pages compared: the same apart from images, dates, durations and temp paths")
        return 0
    print("\n".join(differences))
    return 1


if __name__ == "__main__":
    sys.exit(main())
