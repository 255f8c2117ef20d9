"""Validation messages in the company's language: the Chinese of each English sentence.

The checks write their sentences in English (the product's reference language, and what the
Python API returns); the command line shows them in the company's `language`. Each entry is a
pattern of an English sentence with named parts and the Chinese sentence made from the same
parts. A sentence without an entry is shown in English, never lost.
"""

from __future__ import annotations

import re
from dataclasses import replace

from kpi_helpers.errors import Problem

_V = r"'(?P<value>[^']*)'"  # a quoted cell value
_ROWS = r"(?: \(named in (?P<n>\d+) rows: (?P<rows>[^)]*)\))?"

# (English pattern, Chinese template); {rows_zh} is filled when the English names the rows
_CATALOGUE: list[tuple[str, str]] = [
    (
        rf"{_V}{_ROWS} is not a (?P<key>pm_id|kpi_id) in (?P<file>\S+); add the (?P<what>person|KPI)"
        r" there or correct the (?P<col>\w+)",
        "“{value}”{rows_zh}不是 {file} 中的 {key}；请在 {file} 中添加，或更正 {col}",
    ),
    (
        rf"{_V}{_ROWS} is not a goal in company\.yaml; use one of (?P<goals>.*) or add the goal to "
        r"an objective",
        "“{value}”{rows_zh}不是 company.yaml 中的子目标；请使用 {goals} 之一，或在战略目标下添加该子目标",
    ),
    (
        rf"{_V}{_ROWS} is not a kpi_id in (?P<kpis>\S+), a team or product in (?P<people>\S+), "
        r"nor 'company'; write which of them the event covers",
        "“{value}”{rows_zh}既不是 {kpis} 中的 kpi_id，也不是 {people} 中的团队或产品，也不是 "
        "company；请写明事件影响的范围",
    ),
    (
        rf"{_V} is not a number; write a plain number such as 12\.5",
        "“{value}”不是数字；请填写普通数字，例如 12.5",
    ),
    (rf"{_V} is not a date; write it as YYYY-MM-DD", "“{value}”不是日期；请写成 YYYY-MM-DD"),
    (
        r"(?P<column>\w+) is required; fill in this cell",
        "{column} 为必填项；请填写此单元格",
    ),
    (
        r"required column '(?P<column>\w+)' is missing; add a header '(?P<header>\w+)' in row 1",
        "缺少必填列“{column}”；请在第 1 行添加表头“{header}”",
    ),
    (
        rf"{_V} is used again \(first in row (?P<first>\d+)\); give each row its own (?P<key>\w+)",
        "“{value}”重复出现（首次在第 {first} 行）；每行的 {key} 须唯一",
    ),
    (
        r"period (?P<period>\S+), kpi_id (?P<kpi>\S+) appears again \(first in row (?P<first>\d+)\); "
        r"keep one row per period and kpi_id",
        "周期 {period}、指标 {kpi} 重复出现（首次在第 {first} 行）；每个周期和指标只保留一行",
    ),
    (
        rf"{_V} is not a dimension; use one of (?P<allowed>.*)",
        "“{value}”不是考核维度；请使用 {allowed} 之一（或其中文名称）",
    ),
    (
        rf"{_V} is not an event kind; use one of (?P<allowed>.*)",
        "“{value}”不是事件类型；请使用 {allowed} 之一（或 市场、组织调整、数据口径、其他）",
    ),
    (
        rf"{_V} is not a direction; use one of (?P<allowed>.*)",
        "“{value}”不是指标方向；请使用 {allowed}（或 越高越好 / 越低越好）",
    ),
    (
        r"(?P<a>\w+) (?P<va>\S+) is not (?:below|above) (?P<b>\w+) (?P<vb>\S+)(?P<inh>.*?); a "
        r"(?P<dir>higher|lower)-is-better KPI needs threshold (?P<s>[<>]) target [<>] stretch",
        "{a} {va} 与 {b} {vb} 的顺序不对{inh}；{dir_zh}的指标须满足 门槛值 {s} 目标值 {s} 挑战值",
    ),
    (
        r"KPI '(?P<kpi>[^']*)' has no actual for (?P<period>\S+), the latest period with actuals; "
        r"add a row to (?P<file>\S+) \(until then it is scored as missing\)",
        "指标“{kpi}”在最近有实际值的周期 {period} 没有实际值；请在 {file} 中补充一行"
        "（在此之前按缺失计分）",
    ),
    (
        r"the weights of (?P<who>.+?)'s KPIs active in (?P<period>\S+) sum to (?P<total>\S+), not "
        r"100 \((?P<parts>[^)]*)\); .*",
        "{who} 在 {period} 有效的指标权重合计为 {total}，不是 100（{parts}）；请调整权重使其合计为 "
        "100，或用 period_from / period_to 限定各周期有效的指标",
    ),
    (
        r"(?P<value>\S+) for KPI '(?P<kpi>[^']*)' is about 100 times (?P<how>smaller|larger) than "
        r"its target (?P<target>\S+) \((?P<file>\S+) row (?P<row>\d+), column target\); .*",
        "指标“{kpi}”的实际值 {value} 约为其目标值 {target}（{file} 第 {row} 行 target 列）的"
        "{how_zh}；请统一写成百分数（12 表示 12%）或统一写成小数",
    ),
    (
        rf"{_V} could be (?P<a>\S+) or (?P<b>\S+); read as (?P<used>\S+) \((?P<order>day|month) "
        r"first\); write dates as YYYY-MM-DD to make sure",
        "“{value}”可以理解为 {a} 或 {b}；已按{order_zh}读作 {used}；请写成 YYYY-MM-DD 以免歧义",
    ),
    (
        r"the file is missing; create (?P<file>\S+) .*",
        "文件缺失；请在数据文件夹中创建 {file}（参见 kpi-workbook init）",
    ),
    (r"the file is empty; it needs at least a header row", "文件为空；至少需要一行表头"),
    (
        r"is a binary file, not CSV text; .*",
        "是二进制文件，不是 CSV 文本；请导出为 CSV（UTF-8）或 XLSX",
    ),
]
_EXTRA = {
    "dir_zh": {"higher": "越高越好", "lower": "越低越好"},
    "how_zh": {"smaller": "百分之一", "larger": "100 倍"},
    "order_zh": {"day": "日在前", "month": "月在前"},
}
_COMPILED = [(re.compile(f"^{p}$"), zh) for p, zh in _CATALOGUE]


def translate(message: str, lang: str) -> str:
    """The message in `lang` ('zh' or 'en'); English when no Chinese sentence is known."""
    if lang != "zh":
        return message
    for pattern, zh in _COMPILED:
        m = pattern.match(message)
        if m is None:
            continue
        parts = {k: (v or "") for k, v in m.groupdict().items()}
        parts["rows_zh"] = f"（共 {parts['n']} 行引用：{parts['rows']}）" if parts.get("n") else ""
        for key, words in _EXTRA.items():
            source = key.removesuffix("_zh")
            if source in parts:
                parts[key] = words.get(parts[source], parts[source])
        return zh.format(**parts)
    return message


def localized(problem: Problem, lang: str) -> Problem:
    """The problem with its message in `lang`."""
    return replace(problem, message=translate(problem.message, lang))


def summary_line(where: str, errors: int, warnings: int, lang: str) -> str:
    """The closing line of `validate`: how many errors and warnings."""
    if lang == "zh":
        return f"{where}：{errors} 个错误，{warnings} 个警告"
    return (
        f"{where}: {errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}"
    )
