"""A re-run without --force after a change, on the `kpi-workbook init` example with the product's
notebooks: which pages are rebuilt, which reused, and that a reused page is what a fresh run
gives. pm01 ranks first of two in 2026-Q2 (107.88), pm02 second (98.90)."""

from __future__ import annotations

import io
import json
import re
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from kpi_helpers.cli.parser import main
from kpi_helpers.data.scaffold import init_data_folder
from kpi_helpers.report.registry import NOTEBOOKS

PERIOD = "2026-Q2"  # the latest period with actuals in the `kpi-workbook init` example
COMPANY = {nb.stem for nb in NOTEBOOKS}  # the company pages
PM01, PM02 = "05_evaluation_pm01", "05_evaluation_pm02"


def run(data: Path, out: Path, *more: str) -> None:
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err):
        code = main(["run", "--data", str(data), "--out", str(out), "--jobs", "2", *more])
    assert code == 0, err.getvalue()


def manifest(out: Path) -> dict:
    return json.loads((out / PERIOD / "manifest.json").read_text(encoding="utf-8"))


def statuses(out: Path) -> dict[str, str]:
    return {n["name"]: n["status"] for n in manifest(out)["notebooks"]}


def rebuilt(out: Path) -> set[str]:
    return {name for name, status in statuses(out).items() if status == "ok"}


def page(out: Path, pm: str) -> str:
    return (out / PERIOD / "pm" / f"{pm}.html").read_text(encoding="utf-8")


def body(html: str) -> str:
    """The page between its header and footer: what the notebook shows."""
    return html[html.index('<main id="main">') : html.index("</main>")]


def footer(html: str) -> str:
    return re.search(r'<footer class="kpi-footer">(.*?)</footer>', html, re.S).group(1)


def links(html: str) -> list[str]:
    """The relative links of a page, outside HTML comments and in-page anchors."""
    shown = re.sub(r"<!--.*?-->", "", html, flags=re.S)
    return [h for h in re.findall(r'href="([^"]+)"', shown) if not h.startswith(("#", "http"))]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The example's data and its published reports, run once for the module."""
    root = tmp_path_factory.mktemp("incremental")
    data, out = init_data_folder(root / "data"), root / "reports"
    run(data, out)
    assert set(statuses(out).values()) == {"ok"}
    return data, out


@pytest.fixture
def copy(published, tmp_path):
    """The published data in place (its folder is a page parameter) and a copy of the reports;
    the data files are put back afterwards."""
    data, out = published
    shutil.copytree(data, tmp_path / "data.before")
    shutil.copytree(out, tmp_path / "reports")
    yield data, tmp_path / "reports"
    shutil.rmtree(data)
    shutil.copytree(tmp_path / "data.before", data)


@pytest.mark.slow
def test_nothing_changed_reuses_every_page(copy):
    data, out = copy
    run(data, out)
    assert set(statuses(out).values()) == {"reused"}


@pytest.mark.slow
def test_one_actual_of_pm01_rebuilds_pm01_and_the_company_pages_and_reuses_pm02(copy, tmp_path):
    data, out = copy
    old_footer = footer(page(out, "pm02"))
    edit(data / "actuals.csv", "2026-Q2,K01,11800,", "2026-Q2,K01,12000,")  # pm01 stays first
    run(data, out)
    assert rebuilt(out) == COMPANY | {PM01}
    assert statuses(out)[PM02] == "reused"

    fresh = tmp_path / "fresh"
    run(data, fresh, "--force")
    reused, made = page(out, "pm02"), page(fresh, "pm02")
    assert body(reused) == body(made)  # the page a fresh run gives, figures included
    # its footer is this run's, as on the pages rebuilt beside it: this data's digest
    assert footer(reused) == footer(page(out, "pm01"))
    digest = manifest(out)["inputs_sha256"][:12]
    assert digest in footer(reused) and digest not in old_footer
    for href in links(reused):
        assert (out / PERIOD / "pm" / href).resolve().is_file(), href


@pytest.mark.slow
def test_an_actual_that_moves_pm02s_rank_rebuilds_pm02(copy):
    data, out = copy
    assert "排名第 2" in page(out, "pm02")
    edit(data / "actuals.csv", "2026-Q2,K01,11800,", "2026-Q2,K01,1,")  # pm01 falls to 64.7
    run(data, out)
    assert rebuilt(out) == COMPANY | {PM01, PM02}
    assert "排名第 1" in page(out, "pm02")


@pytest.mark.slow
def test_a_360_score_that_moves_the_company_mean_shown_to_pm02_rebuilds_pm02(copy):
    data, out = copy
    edit(data / "reviews.csv", "pm01,collaboration,peer,4,", "pm01,collaboration,peer,2,")
    run(data, out)
    assert rebuilt(out) == COMPANY | {PM01, PM02}
    assert "2.75" in body(page(out, "pm02"))  # peers on collaboration: (2 + 3.5) / 2


@pytest.mark.slow
def test_a_changed_company_yaml_rebuilds_every_page(copy):
    data, out = copy
    edit(data / "company.yaml", "company: 示例科技", "company: 示例科技有限公司")
    run(data, out)
    assert set(statuses(out).values()) == {"ok"}
    assert "示例科技有限公司" in page(out, "pm02")


@pytest.mark.slow
def test_a_page_whose_kept_notebook_is_damaged_is_run_again(copy):
    data, out = copy
    (out / PERIOD / "executed" / f"{PM02}.ipynb").write_text("{not json", encoding="utf-8")
    run(data, out)
    assert rebuilt(out) == {PM02}
    assert "排名第 2" in page(out, "pm02")
