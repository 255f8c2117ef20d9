"""Reuse keys (run/keys.py) on the `kpi-workbook init` example: which pages a change reaches.

pm01 owns K01-K03 (products 记账App and 记账小程序), pm02 owns K04-K06 (记账App); in 2026-Q2
pm01 totals 107.88 and ranks first of two, pm02 98.90.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kpi_helpers.config import NOTEBOOKS_DIR
from kpi_helpers.data.load import load_dataset
from kpi_helpers.data.scaffold import init_data_folder
from kpi_helpers.engine.results import period_results
from kpi_helpers.publish.html import sha256_file
from kpi_helpers.report.registry import NOTEBOOKS
from kpi_helpers.run.keys import group_digests, pm_digests, run_keys
from kpi_helpers.run.plan import plan_run

PERIOD = "2026-Q2"
FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
COMPANY_PAGES = {nb.stem for nb in NOTEBOOKS}  # the company pages


def keys(data: Path, notebooks: Path = NOTEBOOKS_DIR) -> dict[str, str]:
    ds = load_dataset(data)
    jobs = plan_run(ds, PERIOD, "zh", ["pm01", "pm02"], notebooks)
    inputs = {path.name: sha256_file(path) for _, path in sorted(ds.files.items())}
    return run_keys(ds, jobs, inputs, period_results(ds, PERIOD), NOTEBOOKS_DIR)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def changed(before: dict[str, str], data: Path) -> set[str]:
    after = keys(data)
    return {name for name in before if before[name] != after[name]}


@pytest.fixture
def data(tmp_path):
    return init_data_folder(tmp_path / "data")


@pytest.fixture
def before(data):
    return keys(data)


def test_keys_are_the_same_for_the_same_data(data, before):
    assert keys(data) == before
    assert len(set(before.values())) == len(before)  # every page its own key


def test_one_actual_of_pm01_reaches_pm01_and_the_company_pages_only(data, before):
    edit(data / "actuals.csv", "2026-Q2,K01,11800,", "2026-Q2,K01,12000,")  # still first
    assert changed(before, data) == COMPANY_PAGES | {"05_evaluation_pm01"}


def test_an_actual_that_moves_pm02s_rank_reaches_pm02(data, before):
    edit(data / "actuals.csv", "2026-Q2,K01,11800,", "2026-Q2,K01,1,")  # pm01 falls to 64.7
    assert "05_evaluation_pm02" in changed(before, data)


def test_an_earlier_periods_actual_reaches_only_its_owners_history(data, before):
    edit(data / "actuals.csv", "2026-Q1,K04,28,", "2026-Q1,K04,30,")
    assert changed(before, data) == COMPANY_PAGES | {"05_evaluation_pm02"}


def test_a_360_score_reaches_another_pm_when_it_moves_a_company_mean_they_are_shown(data, before):
    # pm02 is rated by peers on collaboration too: the company mean beside their mean moves
    edit(data / "reviews.csv", "pm01,collaboration,peer,4,", "pm01,collaboration,peer,2,")
    assert changed(before, data) == COMPANY_PAGES | {"05_evaluation_pm01", "05_evaluation_pm02"}


def test_a_360_score_in_a_role_the_other_pm_is_not_rated_in_stays_with_its_pm(data, before):
    edit(data / "reviews.csv", "pm01,collaboration,manager,4.5,", "pm01,collaboration,manager,3,")
    assert changed(before, data) == COMPANY_PAGES | {"05_evaluation_pm01"}


def test_feedback_reaches_the_pms_of_its_product(data, before):
    edit(data / "feedback.csv", "Simple and fast, love the charts", "Simple and fast")
    assert changed(before, data) == COMPANY_PAGES | {"05_evaluation_pm01"}  # 记账小程序


def test_an_event_on_a_kpi_reaches_its_owner_and_a_company_event_everyone(data, before):
    events = data / "events.csv"
    edit(events, "版本测试排期延后", "版本测试排期延后两周")  # K05, pm02's
    assert changed(before, data) == COMPANY_PAGES | {"05_evaluation_pm02"}
    with open(events, "a", encoding="utf-8") as f:
        f.write("2026-Q2,company,other,全公司调整考核周期\n")
    assert changed(before, data) == set(before)


def test_company_yaml_and_keywords_reach_every_page(data, before):
    edit(data / "company.yaml", "company: 示例科技", "company: 示例科技有限公司")
    assert changed(before, data) == set(before)
    edit(data / "company.yaml", "company: 示例科技有限公司", "company: 示例科技")
    assert changed(before, data) == set()
    (data / "keywords.yaml").write_text("- theme: sync\n  name: 同步\n  name_en: Sync\n")
    assert changed(before, data) == set(before)


def test_another_pms_name_stays_off_a_pm_page(data, before):
    edit(data / "people.csv", "pm01,张伟,Zhang Wei", "pm01,张伟伟,Zhang Weiwei")
    assert changed(before, data) == COMPANY_PAGES | {"05_evaluation_pm01"}


def test_a_pm_notebook_other_than_the_products_keeps_the_all_inputs_key(data):
    before = keys(data, FIXTURES)
    edit(data / "actuals.csv", "2026-Q2,K01,11800,", "2026-Q2,K01,12000,")
    after = keys(data, FIXTURES)
    assert {name for name in before if before[name] != after[name]} == set(before)


def test_pm_digests_depend_on_the_rows_not_the_file_row_numbers(data):
    ds = load_dataset(data)
    results = period_results(ds, PERIOD)
    first = pm_digests(ds, results, ["pm01", "pm02"], {})
    ds.actuals["_row"] = ds.actuals["_row"] + 1  # a line added above, say
    assert pm_digests(ds, results, ["pm01", "pm02"], {}) == first


def test_group_digests_keep_file_order_and_tell_groups_apart(data):
    ds = load_dataset(data)
    by_kpi = group_digests(ds.actuals, "kpi_id")
    assert set(by_kpi) == {"K01", "K02", "K03", "K04", "K05", "K06"}
    assert len(set(by_kpi.values())) == 6
    flipped = group_digests(ds.actuals.iloc[::-1], "kpi_id")
    assert flipped["K01"] != by_kpi["K01"]  # the same rows in another order


def test_without_the_periods_results_every_page_keeps_the_all_inputs_key(data):
    ds = load_dataset(data)
    jobs = plan_run(ds, PERIOD, "zh", ["pm01", "pm02"], NOTEBOOKS_DIR)
    inputs = {path.name: sha256_file(path) for _, path in sorted(ds.files.items())}
    before = run_keys(ds, jobs, inputs, None, NOTEBOOKS_DIR)
    edit(data / "actuals.csv", "2026-Q2,K01,11800,", "2026-Q2,K01,12000,")
    inputs = {path.name: sha256_file(path) for _, path in sorted(ds.files.items())}
    after = run_keys(load_dataset(data), jobs, inputs, None, NOTEBOOKS_DIR)
    assert {name for name in before if before[name] != after[name]} == set(before)
