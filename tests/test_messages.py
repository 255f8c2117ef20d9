"""Validation messages in Chinese for a `language: zh` company, English otherwise."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from kpi_helpers.cli.parser import main
from kpi_helpers.data.messages import translate
from kpi_helpers.data.messages_catalogue import CATALOGUE

TESTS = Path(__file__).parent
VALIDATION_TESTS = [
    "test_validate.py",
    "test_cli_validate.py",
    "test_company.py",
    "test_io.py",
    "test_safe_inputs.py",
]
# file:row: column: [warning: ]message, as `validate` prints a problem
PROBLEM_LINE = re.compile(r"^[\w.]+(?:\.csv|\.yaml|\.xlsx):\d*: [\w.\-]+: (?:warning: )?(.*)$")
CJK = re.compile(r"[\u4e00-\u9fff]")


def expected_messages() -> set[str]:
    """The messages the validation tests expect `validate` to print (whole or their start)."""
    found = set()
    for name in VALIDATION_TESTS:
        tree = ast.parse((TESTS / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                m = PROBLEM_LINE.match(node.value)
                if m and len(m.group(1).strip()) > 20:
                    found.add(m.group(1).strip())
    return found


def _cuts(pattern: str) -> list[re.Pattern]:
    """The pattern cut at each word end outside a group or class: what a sentence can start with,
    when it has at least two words of its own (so a bare group does not match everything)."""
    out, depth, i = [], 0, 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":  # a character class: skip to its end
            i = pattern.index("]", i + 2) + 1
            continue
        if c in "()":
            depth += 1 if c == "(" else -1
        elif c in " ,;" and depth == 0:  # the end of a word or of a clause
            head = pattern[:i]
            words = re.sub(r"\(\?P<\w+>[^)]*\)", "", head).split()
            if len([w for w in words if re.search(r"[a-z]{2}", w)]) >= 2:
                out.append(re.compile(f"^{head}$"))
        i += 1
    return out


STARTS = [cut for pattern, _ in CATALOGUE for cut in _cuts(pattern)]


def has_chinese_form(message: str) -> bool:
    """A whole sentence the catalogue translates, or the start of one (tests often assert the
    start of a line); a sentence already in Chinese counts too."""
    if CJK.search(translate(message, "zh")) and translate(message, "zh") != message:
        return True
    if CJK.search(message) and not re.search(r"[a-z]{3,} [a-z]{3,} [a-z]{3,}", message):
        return True  # the Chinese line itself (asserted by the Chinese tests)
    return any(cut.match(message) for cut in STARTS)


def test_the_walk_finds_the_messages_of_the_validation_tests():
    messages = expected_messages()
    assert len(messages) >= 60
    assert "'2026-Q5' is not a period; write it like 2026-Q3 or 2026-H1" in messages


def test_every_message_of_the_validation_tests_has_a_chinese_form():
    english = sorted(m for m in expected_messages() if not has_chinese_form(m))
    assert english == []


def test_a_start_that_no_sentence_has_is_not_taken_for_translated():
    assert not has_chinese_form("the moon is made of green cheese; eat it")
    assert not has_chinese_form("is a symbolic link made of cheese, outside everything")


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        (
            "'2026-H1' is a half-year but company.yaml sets cadence: quarter; write a quarter "
            "such as 2026-Q3",
            "“2026-H1”是半年，但 company.yaml 设定 cadence: quarter；请写成季度，例如 2026-Q3",
        ),
        (
            "5.5 is outside the scale 1-5; write a value from 1 to 5",
            "5.5 超出量表范围 1-5；请填写 1 到 5 之间的值",
        ),
        (
            "'it's' holds characters an id cannot have; ids may use letters, digits, '_', '-' "
            "and '.', start with a letter or digit and have at most 64 characters",
            "“it's”含有编号中不能使用的字符；编号只能使用字母、数字、“_”、“-”和“.”，"
            "须以字母或数字开头，最多 64 个字符",
        ),
        (
            "KPI 'K06' is not active in 2026-Q2 (it runs from 2026-Q3 to 2026-Q4 in kpis.csv); "
            "correct the period, or widen the KPI's period_from / period_to",
            "指标“K06”在 2026-Q2 不生效（kpis.csv 中它从 2026-Q3 到 2026-Q4 生效）；"
            "请更正周期，或放宽该指标的 period_from / period_to",
        ),
        (
            "KPI 'K01' is active in 2026-Q2 but its goal 'G1' is not (the goal applies until "
            "2026-Q1); link the KPI to a current goal or end it with period_to",
            "指标“K01”在 2026-Q2 生效，但其子目标“G1”在该周期不适用（该子目标到 2026-Q1 为止适用）；"
            "请把指标关联到当前的子目标，或用 period_to 结束该指标",
        ),
        (
            "is 3,000 MB, over the limit of 50 MB for this file; split it or raise the limit "
            "(set KPI_WORKBOOK_MAX_FILE_MB to a number of MB)",
            "大小为 3,000 MB，超过了此文件的上限 50 MB；请拆分文件，或提高上限"
            "（把 KPI_WORKBOOK_MAX_FILE_MB 设为 MB 数）",
        ),
        (
            "is a named pipe (FIFO), not a regular file; give a CSV, XLSX or YAML file",
            "是命名管道（FIFO），不是普通文件；请提供 CSV、XLSX 或 YAML 文件",
        ),
        (
            "period, kpi_id appears again (first in row 4); keep one row per period and kpi_id",
            "period, kpi_id 重复出现（首次在第 4 行）；每个 period、kpi_id 只保留一行",
        ),
        (
            "target 45 is not below stretch 40 (stretch from kpis.csv); a higher-is-better KPI "
            "needs threshold < target < stretch",
            "target 45 与 stretch 40 的顺序不对（stretch 取自 kpis.csv）；"
            "越高越好的指标须满足 门槛值 < 目标值 < 挑战值",
        ),
    ],
)
def test_sentences_keep_every_value_in_chinese(english, chinese):
    assert translate(english, "zh") == chinese
    assert translate(english, "en") == english


def test_an_unknown_sentence_stays_english_and_is_never_lost():
    text = "a sentence no check writes; keep it"
    assert translate(text, "zh") == text


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _break(folder: Path) -> None:
    """Four kinds of mistake a team makes: company.yaml, a period, a scale, an id."""
    _replace(folder / "company.yaml", "min_coverage: 0.8", "min_coverage: 250")
    _replace(folder / "actuals.csv", "2026-Q1,K02,33.5,", "2026-H1,K02,33.5,")
    _replace(
        folder / "reviews.csv",
        "2026-Q2,pm01,collaboration,peer,4,",
        "2026-Q2,pm01,collaboration,peer,7,",
    )
    _replace(folder / "people.csv", "pm02,李娜", "@pm02,李娜")


def test_validate_speaks_chinese_to_a_chinese_company(capsys, tiny_data):
    _break(tiny_data)
    code = main(["validate", "--data", str(tiny_data)])
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert code == 1
    assert (
        "company.yaml:9: min_coverage: min_coverage 250 不是比例；请填写 0 到 1 之间的值，例如 0.8"
        in lines
    )
    assert (
        "actuals.csv:3: period: “2026-H1”是半年，但 company.yaml 设定 cadence: quarter；"
        "请写成季度，例如 2026-Q3"
    ) in lines
    assert "reviews.csv:2: score: 7 超出量表范围 1-5；请填写 1 到 5 之间的值" in lines
    assert any(
        line.startswith("people.csv:3: pm_id: “@pm02”含有编号中不能使用的字符；") for line in lines
    )
    assert "kpis.csv:5: owner: “pm02”（共 3 行引用：5, 6, 7）不是 people.csv 中的 pm_id" in out
    # every problem line is in Chinese, the counts too
    assert lines and all(CJK.search(line.split(": ", 2)[-1]) for line in lines), lines
    assert "个错误" in err


def test_score_refuses_in_chinese_too(capsys, tiny_data):
    _break(tiny_data)
    code = main(["score", "--data", str(tiny_data)])
    _, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err
    assert "“2026-H1”是半年" in err and "数据中有" in err


def test_an_english_company_reads_the_same_problems_in_english(capsys, tiny_data):
    _break(tiny_data)
    _replace(tiny_data / "company.yaml", "language: zh", "language: en")
    code = main(["validate", "--data", str(tiny_data)])
    out, _ = capsys.readouterr()
    assert code == 1
    assert "reviews.csv:2: score: 7 is outside the scale 1-5; write a value from 1 to 5" in out
    assert not CJK.search(out.replace("李娜", ""))


def test_company_yaml_mistakes_in_chinese_unless_its_language_cannot_be_read(capsys, tiny_data):
    yaml = tiny_data / "company.yaml"
    text = yaml.read_text(encoding="utf-8")
    yaml.write_text(text.replace("cadence: quarter", "cadence: monthly"), encoding="utf-8")
    assert main(["validate", "--data", str(tiny_data)]) == 1
    out = capsys.readouterr().out
    assert "company.yaml:4: cadence: “monthly”不是考核周期；请写 cadence: quarter" in out
    yaml.write_text(text.replace("objectives:", "objectives: ["), encoding="utf-8")
    assert main(["validate", "--data", str(tiny_data)]) == 1
    out = capsys.readouterr().out  # unparseable: the language is unknown, so English
    assert "check indentation and quoting on this line" in out and not CJK.search(out)
