"""The period and PM parameters, checked once before anything runs: run, score and review alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from kpi_helpers.cli.parser import main
from kpi_helpers.data.load import load_dataset
from kpi_helpers.data.params import data_periods, resolve_period, resolve_pms
from kpi_helpers.errors import UsageError

NO_DATA = (
    "--period 2030-Q1 has no actuals or targets in the data; periods with data: 2026-Q1, 2026-Q2"
)


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*")) if folder.exists() else []


@pytest.mark.parametrize(
    "command",
    [
        ["score"],
        ["score", "--format", "json"],
        ["review"],
        ["review", "--format", "csv"],
        ["run", "--jobs", "1"],
    ],
)
def test_a_period_without_data_exits_2_naming_the_periods_that_have_data(
    tiny_data, tmp_path, capsys, command
):
    out = tmp_path / "reports"
    extra = ["--out", str(out)] if command[0] == "run" else []
    code = main([*command, "--data", str(tiny_data), "--period", "2030-Q1", *extra])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""  # no empty scorecard, no empty review
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and NO_DATA in lines[0], captured.err
    assert "Traceback" not in captured.err
    assert files_under(out) == []  # no reports folder, no .failed folder, no kernel started
    assert not (tmp_path / "reports" / "2030-Q1.failed").exists()


def test_review_proposal_out_is_not_written_for_a_period_without_data(tiny_data, tmp_path, capsys):
    target = tmp_path / "proposal.csv"
    code = main(
        ["review", "--data", str(tiny_data), "--period", "2030-Q1", "--proposal-out", str(target)]
    )
    assert code == 2 and not target.exists()
    assert NO_DATA in capsys.readouterr().err


@pytest.mark.parametrize("command", ["score", "review", "run"])
def test_a_period_of_another_cadence_exits_2(tiny_data, tmp_path, capsys, command):
    extra = ["--out", str(tmp_path / "reports")] if command == "run" else []
    code = main([command, "--data", str(tiny_data), "--period", "2026-H1", *extra])
    assert code == 2
    assert (
        "--period 2026-H1 does not fit the company's cadence (quarter)" in capsys.readouterr().err
    )
    assert files_under(tmp_path / "reports") == []


def test_periods_with_data_are_those_with_actuals_or_targets(tiny_data, write_csv):
    write_csv("targets.csv", "period,kpi_id,target\n2026-Q3,K01,11000\n")
    ds = load_dataset(tiny_data)
    assert data_periods(ds) == ["2026-Q1", "2026-Q2", "2026-Q3"]
    assert resolve_period(ds, "2026q3") == "2026-Q3"  # targets only: a planned period
    assert resolve_period(ds, "") == "2026-Q2"  # the latest period with actuals
    with pytest.raises(UsageError, match="periods with data: 2026-Q1, 2026-Q2, 2026-Q3"):
        resolve_period(ds, "2026-Q4")
    with pytest.raises(UsageError, match="--period: .* is not a period"):
        resolve_period(ds, "Q3")


def test_pms_all_or_a_list_in_order_without_duplicates(tiny_data):
    ds = load_dataset(tiny_data)
    assert resolve_pms(ds, "all") == ["pm01", "pm02"]
    assert resolve_pms(ds, None) == ["pm01", "pm02"]
    assert resolve_pms(ds, " pm02, pm01,pm02 ") == ["pm02", "pm01"]
    with pytest.raises(UsageError, match="--pm: no product manager with id pm09 in people.csv"):
        resolve_pms(ds, "pm01,pm09")


def test_score_with_an_unknown_pm_exits_2(tiny_data, capsys):
    code = main(["score", "--data", str(tiny_data), "--pm", "pm09"])
    assert code == 2
    assert "--pm: no product manager with id pm09 in people.csv" in capsys.readouterr().err
