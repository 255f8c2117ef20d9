"""Shared fixtures: a small valid data folder and helpers to rewrite its files."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kpi_helpers.data.scaffold import init_data_folder


@pytest.fixture
def tiny_data(tmp_path: Path) -> Path:
    """A small valid data folder (the `kpi-workbook init` example): 2 PMs, 6 KPIs, 2026-Q1..Q2.

    Spreadsheet rows: kpis.csv K01..K06 are rows 2..7 (pm01 owns K01-K03, pm02 K04-K06);
    actuals.csv has 2026-Q1 K01..K06 in rows 2..7 and 2026-Q2 in rows 8..13.
    """
    return init_data_folder(tmp_path / "data")


@pytest.fixture
def write_csv(tiny_data: Path):
    """write_csv(name, text, encoding="utf-8") writes `text` (dedented) as a file of tiny_data."""

    def write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tiny_data / name
        path.write_bytes(textwrap.dedent(text).lstrip("\n").encode(encoding))
        return path

    return write


@pytest.fixture
def edit_file(tiny_data: Path):
    """edit_file(name, old, new) replaces the first `old` in a file of tiny_data; `old` must occur."""

    def edit(name: str, old: str, new: str) -> Path:
        path = tiny_data / name
        text = path.read_text(encoding="utf-8-sig")
        assert old in text, f"{old!r} is not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    return edit


# Property tests draw the same examples on every run, so `make test` cannot fail by chance; the
# examples still cover junk of every kind (seeded from each test's name).
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("kpi-workbook", derandomize=True)
_hypothesis_settings.load_profile("kpi-workbook")


@pytest.fixture(autouse=True, scope="session")
def _feedback_cache_in_a_temporary_folder(tmp_path_factory):
    """Tests (and the kernels they start) remember feedback results in a temporary folder, never
    in the user's cache folder."""
    import os

    from kpi_helpers.config import CACHE_DIR_ENV

    before = os.environ.get(CACHE_DIR_ENV)
    os.environ[CACHE_DIR_ENV] = str(tmp_path_factory.mktemp("feedback-cache"))
    yield
    if before is None:
        os.environ.pop(CACHE_DIR_ENV, None)
    else:
        os.environ[CACHE_DIR_ENV] = before


@pytest.fixture
def shown(monkeypatch):
    """What report sections display: Markdown and HTML texts, in order."""
    import IPython.display

    out: list[str] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj: out.append(obj.data))
    return out
