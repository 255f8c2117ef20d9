"""Opening input files safely: regular files only, size and row limits, zip-bomb and YAML bomb guards.

Every limit has a default well above real data and an environment variable to change it
(see kpi_helpers.config and the README's Security section). A file over a limit is refused
with one sentence before it is parsed, so a hostile or broken file cannot exhaust the memory
or hang a scheduled run.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import yaml

from kpi_helpers import config

_KINDS = {
    stat.S_ISFIFO: "a named pipe (FIFO)",
    stat.S_ISCHR: "a character device",
    stat.S_ISBLK: "a block device",
    stat.S_ISSOCK: "a socket",
    stat.S_ISDIR: "a folder",
}


class InputRefused(Exception):
    """A file that is not read: the message is one sentence (without the file's name)."""


def _mb(n: int) -> str:
    return f"{n / 1e6:,.0f} MB" if n >= 1e6 else f"{n:,} bytes"


def check_input_file(path: Path, kind: str = "table", root: Path | None = None) -> int:
    """Refuse, before opening, what is not a regular file within its size limit; the limit.

    `kind` ("table", "feedback" or "yaml") chooses the limit (config.input_limit).

    A symbolic link that leads out of `root` (the data folder) is refused unless
    $KPI_WORKBOOK_FOLLOW_SYMLINKS is set (the --follow-symlinks option).
    """
    path = Path(path)
    if root is not None and os.path.islink(path) and not config.follow_symlinks():
        target = path.resolve()
        if not target.is_relative_to(Path(root).resolve()):
            raise InputRefused(
                f"is a symbolic link to {target}, outside the data folder; copy the file into "
                "the folder or pass --follow-symlinks"
            )
    try:
        st = os.stat(path)
    except OSError as e:
        raise InputRefused(
            f"cannot be read ({e.strerror}); check the path and permissions"
        ) from None
    for test, what in _KINDS.items():
        if test(st.st_mode):
            raise InputRefused(f"is {what}, not a regular file; give a CSV, XLSX or YAML file")
    if not stat.S_ISREG(st.st_mode):
        raise InputRefused("is not a regular file; give a CSV, XLSX or YAML file")
    max_bytes, env = config.input_limit(kind)
    if st.st_size > max_bytes:
        raise InputRefused(
            f"is {_mb(st.st_size)}, over the limit of {_mb(max_bytes)} for this file; split it "
            f"or raise the limit (set {env} to a number of MB)"
        )
    return max_bytes


def read_input_bytes(path: Path, kind: str = "table", root: Path | None = None) -> bytes:
    """The bytes of a checked input file, never more than its limit (the file may grow)."""
    max_bytes = check_input_file(path, kind, root)
    # O_NONBLOCK: a FIFO swapped in after the check cannot block the open
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise InputRefused("is not a regular file; give a CSV, XLSX or YAML file")
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputRefused(f"grew over the limit of {_mb(max_bytes)} while it was read")
    return data


def check_xlsx(data: bytes) -> None:
    """Refuse a workbook whose unpacked size or cell count is over the limits (a zip bomb)."""
    max_unpacked, max_cells = config.max_xlsx_unpacked_bytes(), config.max_xlsx_cells()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return  # not a zip: the XLSX reader says it is unreadable
    with archive:
        members = archive.infolist()
        unpacked = sum(m.file_size for m in members)
        if unpacked > max_unpacked:
            raise InputRefused(
                f"unpacks to {_mb(unpacked)}, over the limit of {_mb(max_unpacked)} "
                f"({config.XLSX_UNPACKED_ENV}); save the sheet as CSV or split it"
            )
        cells = 0
        for m in members:
            if not (m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")):
                continue
            tail = b""
            # zipfile stops at each member's declared size, so a lying header cannot run on
            with archive.open(m) as sheet:
                while block := sheet.read(1 << 20):
                    chunk = tail + block
                    cells += chunk.count(b"<c ") + chunk.count(b"<c>") - tail.count(b"<c")
                    tail = chunk[-2:]
                    if cells > max_cells:
                        raise InputRefused(
                            f"has more than {max_cells:,} cells, over the limit "
                            f"({config.XLSX_CELLS_ENV}); save the sheet as CSV or split it"
                        )


class YamlLimitError(yaml.YAMLError):
    """A YAML document nested too deep or expanding (through aliases) too far."""

    def __init__(self, problem: str, mark=None):
        super().__init__(problem)
        self.problem, self.problem_mark = problem, mark


class LimitedComposer:
    """Mixin for a pure-Python PyYAML loader: bounded nesting and alias expansion.

    Nesting is checked while composing (before Python's recursion limit is near); the size of
    the document with every alias expanded is checked before anything is constructed, so a
    "billion laughs" document is refused in milliseconds.
    """

    def compose_node(self, parent, index):
        depth = getattr(self, "_kpi_depth", 0) + 1
        if depth > config.MAX_YAML_DEPTH:
            raise YamlLimitError(
                f"nests more than {config.MAX_YAML_DEPTH} levels deep; a company.yaml or mapping "
                "needs a few levels",
                self.peek_event().start_mark,
            )
        self._kpi_depth = depth
        try:
            return super().compose_node(parent, index)
        finally:
            self._kpi_depth = depth - 1

    def compose_document(self):
        node = super().compose_document()
        _check_expansion(node, config.MAX_YAML_NODES)
        return node


def _check_expansion(root, max_nodes: int) -> None:
    sizes: dict[int, int] = {}
    visiting: set[int] = set()
    stack = [(root, False)]
    while stack:  # post-order without recursion: children first, then the node
        node, done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children = []
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        if not done:
            if key in visiting:
                raise YamlLimitError("holds an alias that refers to itself", node.start_mark)
            visiting.add(key)
            stack.append((node, True))
            stack += [(c, False) for c in children if id(c) not in sizes]
            continue
        visiting.discard(key)
        sizes[key] = 1 + sum(sizes.get(id(c), 1) for c in children)
        if sizes[key] > max_nodes:
            raise YamlLimitError(
                f"expands (through & anchors and * aliases) to more than {max_nodes:,} values; "
                "write the values out instead of repeating aliases",
                node.start_mark,
            )


class LimitedSafeLoader(LimitedComposer, yaml.SafeLoader):
    """yaml.SafeLoader with the nesting and expansion limits."""


def safe_yaml_load(text: str):
    """yaml.safe_load with the nesting and alias limits (raises yaml.YAMLError)."""
    return yaml.load(text, Loader=LimitedSafeLoader)  # noqa: S506 - a SafeLoader subclass


def safe_yaml_compose(text: str):
    """yaml.compose (nodes with line numbers) with the nesting and alias limits."""
    return yaml.compose(text, Loader=LimitedSafeLoader)
