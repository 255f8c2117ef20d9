"""`kpi-workbook validate` and `init` as a user runs them: exit codes and file:row: column: lines."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from kpi_helpers.cli.parser import main

LINE = re.compile(r"^[^:\s]+:\d*: [^:]+: ")


def run_main(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _break_yaml(d: Path) -> None:
    (d / "company.yaml").write_text("company: x\nobjectives: [\n  - id: O1\n", encoding="utf-8")


def _wrong_type(d: Path) -> None:
    text = (d / "actuals.csv").read_text(encoding="utf-8-sig")
    (d / "actuals.csv").write_text(
        text.replace("2026-Q1,K01,10400", "2026-Q1,K01,lots"), encoding="utf-8"
    )


def _missing_column(d: Path) -> None:
    (d / "people.csv").write_text("pm_id,team\npm01,增长组\npm02,体验组\n", encoding="utf-8")


BROKEN = {
    "malformed-yaml": (_break_yaml, "company.yaml:"),
    "wrong-type": (_wrong_type, "actuals.csv:2: value: 'lots' is not a number"),
    "missing-file": (lambda d: (d / "kpis.csv").unlink(), "kpis.csv:: -: the file is missing"),
    "missing-column": (_missing_column, "people.csv:1: name: required column 'name' is missing"),
    "empty-file": (
        lambda d: (d / "actuals.csv").write_bytes(b""),
        "actuals.csv:1: -: the file is empty",
    ),
    "binary-file": (
        lambda d: (d / "people.csv").write_bytes(bytes(range(256)) * 4),
        "people.csv:: -: is a binary file",
    ),
    "utf16": (
        lambda d: (d / "kpis.csv").write_bytes(
            (d / "kpis.csv").read_text(encoding="utf-8-sig").encode("utf-16")
        ),
        "kpis.csv:: -: is a binary file",
    ),
    "random-bytes": (
        lambda d: (d / "reviews.csv").write_bytes(b"\xff\xfe\xfa\x81\x7f\xc3(" * 50),
        "reviews.csv:: -: is neither UTF-8 nor GBK text",
    ),
    "yaml-binary": (
        lambda d: (d / "company.yaml").write_bytes(b"\x00\xff" * 20),
        "company.yaml:: -: is not a text file",
    ),
}


def english(folder: Path) -> None:
    """Messages follow the company's language: these tests read the English ones."""
    yaml = folder / "company.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace("language: zh", "language: en"), encoding="utf-8"
    )


def test_valid_folder_exits_0(capsys, tiny_data):
    english(tiny_data)
    code, out, err = run_main(capsys, "validate", "--data", str(tiny_data))
    assert code == 0 and out == ""
    assert err.strip().endswith(": 0 errors, 0 warnings")


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_broken_folder_exits_1_with_file_row_column_lines(capsys, tiny_data, case):
    breaker, expected = BROKEN[case]
    english(tiny_data)
    breaker(tiny_data)
    code, out, err = run_main(capsys, "validate", "--data", str(tiny_data))
    assert code == 1
    problem_lines = out.splitlines()
    assert problem_lines and all(LINE.match(line) for line in problem_lines), out
    assert any(line.startswith(expected) for line in problem_lines), out
    assert "Traceback" not in out + err
    assert re.search(r"[1-9]\d* errors?", err)


def test_warnings_alone_exit_0(capsys, tiny_data):
    english(tiny_data)
    text = (tiny_data / "actuals.csv").read_text(encoding="utf-8-sig")
    (tiny_data / "actuals.csv").write_text(
        text.replace("2026-Q2,K05,86,两个版本延期\n", ""), encoding="utf-8"
    )
    code, out, err = run_main(capsys, "validate", "--data", str(tiny_data))
    assert code == 0
    assert out.startswith("kpis.csv:6: kpi_id: warning: KPI 'K05' has no actual for 2026-Q2")
    assert "0 errors, 1 warning" in err


def test_data_folder_relative_to_another_working_directory(capsys, tiny_data, monkeypatch):
    monkeypatch.chdir(tiny_data.parent)
    assert run_main(capsys, "validate", "--data", "data")[0] == 0
    elsewhere = tiny_data.parent / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert run_main(capsys, "validate", "--data", "../data")[0] == 0


def test_missing_data_folder_exits_1(capsys, tmp_path):
    code, out, err = run_main(capsys, "validate", "--data", str(tmp_path / "nope"))
    assert code == 1 and "the data folder does not exist" in out and "Traceback" not in err


def test_init_then_validate(capsys, tmp_path):
    code, out, _ = run_main(capsys, "init", str(tmp_path / "new"))
    assert code == 0 and "kpi-workbook validate --data" in out
    assert run_main(capsys, "validate", "--data", str(tmp_path / "new"))[0] == 0


def test_init_refuses_a_non_empty_folder(capsys, tiny_data):
    code, out, err = run_main(capsys, "init", str(tiny_data))
    assert code == 1
    assert err.startswith("kpi-workbook: ") and "already exists and is not empty" in err
    assert "Traceback" not in err


def _console_script() -> str:
    script = Path(sys.executable).with_name("kpi-workbook")
    if not script.exists():
        pytest.skip("the kpi-workbook console script is not installed in this environment")
    return str(script)


@pytest.mark.slow
def test_console_script_from_another_directory(tiny_data):
    script, cwd = _console_script(), tiny_data.parent
    ok = subprocess.run(
        [script, "validate", "--data", "data"], cwd=cwd, capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    (tiny_data / "company.yaml").write_text("company: [x\n", encoding="utf-8")
    (tiny_data / "people.csv").write_bytes(b"\x00\x01binary")
    bad = subprocess.run(
        [script, "validate", "--data", "data"], cwd=cwd, capture_output=True, text=True
    )
    assert bad.returncode == 1
    assert "Traceback" not in bad.stdout + bad.stderr
    assert [line.split(" ", 1)[0] for line in bad.stdout.splitlines()] == [
        "company.yaml:2:",
        "people.csv::",
    ]


def test_a_chinese_company_reads_its_messages_in_chinese(capsys, tiny_data):
    kpis = tiny_data / "kpis.csv"
    text = kpis.read_text(encoding="utf-8-sig")
    kpis.write_text(text.replace("K05,pm02", "K05,pm09").replace("K06,pm02", "K06,pm09"), "utf-8")
    actuals = tiny_data / "actuals.csv"
    actuals.write_text(
        actuals.read_text(encoding="utf-8-sig").replace("2026-Q1,K01,10400", "2026-Q1,K01,许多"),
        encoding="utf-8",
    )
    code, out, err = run_main(capsys, "validate", "--data", str(tiny_data))
    assert code == 1
    found = out.splitlines()
    assert (
        "kpis.csv:6: owner: “pm09”（共 2 行引用：6, 7）不是 people.csv 中的 pm_id；"
        "请在 people.csv 中添加，或更正 owner"
    ) in found
    assert "actuals.csv:2: value: “许多”不是数字；请填写普通数字，例如 12.5" in found
    # pm02 keeps only K04 (weight 50): a real consequence, said in Chinese too
    assert any("pm02 (李娜) 在 2026-Q1 有效的指标权重合计为 50，不是 100" in line for line in found)
    errors = len(found)
    assert err.strip().endswith(f"：{errors} 个错误，0 个警告")
    code, _, err = run_main(capsys, "score", "--data", str(tiny_data))
    assert code == 1 and f"数据中有 {errors} 个错误" in err and "Traceback" not in err
