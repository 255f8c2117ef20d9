"""The Chinese of each validation and data-loading sentence (see kpi_helpers.data.messages).

Each entry is a pattern of an English sentence with named parts and the Chinese sentence made
from the same parts; every value, file and row of the English is kept. Entries are tried in
order, so a specific sentence comes before a general one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_V = r"'(?P<value>[^']*)'"  # a quoted cell value
_Q = r"'(?P<value>.*)'"  # a quoted cell value that may hold quotes
_ROWS = r"(?: \(named in (?P<n>\d+) rows: (?P<rows>[^)]*)\))?"

# Rows that point at other tables, cells and columns
_TABLES: list[tuple[str, str]] = [
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
        "{a} {va} 与 {b} {vb} 的顺序不对{inh_zh}；{dir_zh}的指标须满足 门槛值 {s} 目标值 {s} 挑战值",
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

# Files, limits and encodings (the sentence follows the file's name)
_FILES: list[tuple[str, str]] = [
    (
        r"the file is missing; create (?P<file>\S+) \(or (?P<alt>\S+)\) in the data folder",
        "文件缺失；请在数据文件夹中创建 {file}（或 {alt}）",
    ),
    (
        r"the data folder does not exist; pass --data DIR or run 'kpi-workbook init DIR'",
        "数据文件夹不存在；请用 --data DIR 指定数据文件夹，或运行 kpi-workbook init DIR 新建一个",
    ),
    (
        r"cannot be read \((?P<why>.*)\); check the path and permissions",
        "无法读取（{why}）；请检查路径和权限",
    ),
    (
        r"is a symbolic link to (?P<target>.*), outside the data folder; copy the file into the "
        r"folder or pass --follow-symlinks",
        "是指向数据文件夹之外（{target}）的符号链接；请把文件复制到数据文件夹中，或加上 "
        "--follow-symlinks",
    ),
    (
        r"is (?P<kind>an? .+), not a regular file; give a CSV, XLSX or YAML file",
        "是{kind_zh}，不是普通文件；请提供 CSV、XLSX 或 YAML 文件",
    ),
    (
        r"is not a regular file; give a CSV, XLSX or YAML file",
        "不是普通文件；请提供 CSV、XLSX 或 YAML 文件",
    ),
    (
        r"is (?P<size>.+?), over the limit of (?P<limit>.+?) for this file; split it or raise "
        r"the limit \(set (?P<env>\w+) to a number of MB\)",
        "大小为 {size}，超过了此文件的上限 {limit}；请拆分文件，或提高上限（把 {env} 设为 MB 数）",
    ),
    (
        r"grew over the limit of (?P<limit>.+) while it was read",
        "读取过程中超过了上限 {limit}；请拆分文件",
    ),
    (
        r"unpacks to (?P<size>.+?), over the limit of (?P<limit>.+?) \((?P<env>\w+)\); save the "
        r"sheet as CSV or split it",
        "解压后为 {size}，超过了上限 {limit}（{env}）；请把工作表另存为 CSV，或拆分它",
    ),
    (
        r"has more than (?P<count>[\d,]+) cells, over the limit \((?P<env>\w+)\); save the sheet as "
        r"CSV or split it",
        "超过 {count} 个单元格，超出上限（{env}）；请把工作表另存为 CSV，或拆分它",
    ),
    (
        r"has more than (?P<count>[\d,]+) rows, over the limit; split it or raise the limit "
        r"\(set (?P<env>\w+)\)",
        "超过 {count} 行，超出上限；请拆分文件，或提高上限（设置 {env}）",
    ),
    (
        r"holds a NUL byte \(line (?P<line>\d+) of the file\); the file is damaged or binary, "
        r"export the table again as CSV \(UTF-8\) or XLSX",
        "含有 NUL 字节（文件第 {line} 行）；文件已损坏或是二进制文件，请重新导出为 CSV（UTF-8）或 XLSX",
    ),
    (r"is neither UTF-8 nor GBK text", "既不是 UTF-8 也不是 GBK 编码的文本；请另存为 UTF-8"),
    (
        r"is neither UTF-8 nor GBK text; save it as UTF-8",
        "既不是 UTF-8 也不是 GBK 编码的文本；请另存为 UTF-8",
    ),
    (
        r"is neither UTF-8 nor GBK text; save it as 'CSV UTF-8' from Excel",
        "既不是 UTF-8 也不是 GBK 编码的文本；请在 Excel 中另存为“CSV UTF-8”",
    ),
    (
        r"is not a readable XLSX workbook; save it again from Excel as \.xlsx or \.csv",
        "不是可读取的 XLSX 工作簿；请在 Excel 中重新另存为 .xlsx 或 .csv",
    ),
    (
        r"the workbook's first sheet is empty; put the header in row 1",
        "工作簿的第一个工作表为空；请在第 1 行写表头",
    ),
    (
        r"is not valid CSV \((?P<why>.*)\); check quotes and separators",
        "不是有效的 CSV（{why}）；请检查引号和分隔符",
    ),
    (r"is not valid YAML; check indentation", "不是有效的 YAML；请检查缩进"),
    (
        r"nests more than (?P<count>\d+) levels deep; a company\.yaml or mapping needs a few levels"
        r"(?:; check indentation and quoting on this line)?",
        "嵌套超过 {count} 层；company.yaml 或映射文件只需要几层；请检查这一行的缩进",
    ),
    (
        r"(?P<what>.+); check indentation and quoting on this line",
        "YAML 无法解析（{what}）；请检查这一行的缩进和引号",
    ),
]

# company.yaml: structure, scoring and review settings
_COMPANY: list[tuple[str, str]] = [
    (
        r"is not a text file; write company\.yaml as UTF-8 YAML",
        "不是文本文件；请把 company.yaml 写成 UTF-8 编码的 YAML",
    ),
    (
        r"must be a YAML mapping with company, cadence and objectives",
        "须为包含 company、cadence 和 objectives 的 YAML 映射",
    ),
    (r"the company name is missing; add 'company: <name>'", "缺少公司名称；请添加 company: <名称>"),
    (
        rf"{_Q} is not a cadence; write 'cadence: quarter' or 'cadence: half'",
        "“{value}”不是考核周期；请写 cadence: quarter（按季度）或 cadence: half（按半年）",
    ),
    (
        r"there are no objectives; add a list 'objectives:' with id, name, weight and goals",
        "没有战略目标；请添加 objectives: 列表，每项写明 id、name、weight 和 goals",
    ),
    (
        r"an objective has no id; give it one such as O1",
        "有一个战略目标没有 id；请为它写上 id，例如 O1",
    ),
    (
        r"(?P<kind>objective|goal) id '(?P<id>.*)' is used twice; ids must be unique",
        "{kind_zh} id“{id}”用了两次；id 不能重复",
    ),
    (
        r"objective '(?P<id>.*)' has no weight; add 'weight: <number>'",
        "战略目标“{id}”没有权重；请添加 weight: <数字>",
    ),
    (
        r"objective '(?P<id>.*)' has a negative weight; weights are >= 0",
        "战略目标“{id}”的权重为负数；权重须大于等于 0",
    ),
    (
        r"a goal of '(?P<id>.*)' has no id; give each goal an id and a name",
        "战略目标“{id}”下有一个子目标没有 id；请为每个子目标写上 id 和 name",
    ),
    (
        r"(?P<kind>objective|goal) '(?P<id>.*)' has no name; add 'name:'",
        "{kind_zh}“{id}”没有名称；请添加 name:",
    ),
    (rf"{_Q} is not a number; write a plain number", "“{value}”不是数字；请填写普通数字"),
    (
        rf"{_Q} is not a finite number; write a plain number",
        "“{value}”不是有限的数；请填写普通数字",
    ),
    (rf"{_Q} is not a report language; use zh or en", "“{value}”不是报告语言；请使用 zh 或 en"),
    (
        rf"{_Q} is not a missing-data policy; use exclude or zero",
        "“{value}”不是缺失数据的处理方式；请使用 exclude（不计入）或 zero（按 0 计）",
    ),
    (
        r"min_coverage (?P<v>\S+) is not a share; write a value from 0 to 1 such as 0\.8",
        "min_coverage {v} 不是比例；请填写 0 到 1 之间的值，例如 0.8",
    ),
    (
        r"points must rise: 0 <= threshold_points \((?P<t>[^)]*)\) < target_points "
        r"\((?P<g>[^)]*)\) < stretch_points \((?P<s>[^)]*)\)",
        "分数须逐级递增：0 <= threshold_points（{t}）< target_points（{g}）< stretch_points（{s}）",
    ),
    (
        r"(?P<key>\w+) must be a mapping such as \{(?P<ex>[^}]*)\}",
        "{key} 须为映射，例如 {{{ex}}}",
    ),
    (
        rf"{_Q} is not one of (?P<allowed>.*); remove it",
        "“{value}”不是 {allowed} 之一；请删除这一项",
    ),
    (
        rf"{_Q} is not a number of 0 or more; write a plain number such as 20",
        "“{value}”不是大于等于 0 的数；请填写普通数字，例如 20",
    ),
    (
        r"the weights add up to 0; give (?P<key>\w+) a weight",
        "权重合计为 0；请为 {key} 设置权重",
    ),
    (
        r"the band percentages add up to (?P<total>\S+), not 100; correct them",
        "各等级的比例合计为 {total}，不是 100；请更正",
    ),
    (
        r"the objective weights add up to 0; give the objectives positive weights",
        "战略目标的权重合计为 0；请为战略目标设置大于 0 的权重",
    ),
    (
        r"objective '(?P<id>.*)' has weight 0, so its goals and KPIs carry no share of the "
        r"strategy; give it a positive weight, or end it with period_to",
        "战略目标“{id}”的权重为 0，其子目标和 KPI 在战略中不占任何比重；请设置大于 0 的权重，"
        "或用 period_to 结束它",
    ),
    (
        r"period_to (?P<end>\S+) of '(?P<id>.*)' is before its period_from (?P<start>\S+)",
        "“{id}”的 period_to {end} 早于其 period_from {start}",
    ),
]

# Periods, values, ids and the KPI calendar
_VALUES: list[tuple[str, str]] = [
    (
        rf"{_Q} is not a period; write it like (?P<a>\S+) or (?P<b>\S+)",
        "“{value}”不是周期；请写成 {a} 或 {b} 这样的形式",
    ),
    (
        rf"{_Q} is not a period; a half-year is H1 or H2",
        "“{value}”不是周期；半年只有 H1 和 H2",
    ),
    (
        rf"{_Q} is a (?P<unit>quarter|half-year) but company\.yaml sets cadence: (?P<cad>\w+); "
        r"write a (?P<want>quarter|half-year) such as (?P<ex>\S+)",
        "“{value}”是{unit_zh}，但 company.yaml 设定 cadence: {cad}；请写成{want_zh}，例如 {ex}",
    ),
    (
        r"(?P<v>\S+) is outside the scale (?P<lo>-?[\d.]+)-(?P<hi>-?[\d.]+); write a value from "
        r"\S+ to \S+",
        "{v} 超出量表范围 {lo}-{hi}；请填写 {lo} 到 {hi} 之间的值",
    ),
    (
        r"(?P<v>\S+) is not a whole number; NPS answers are whole numbers from 0 to 10",
        "{v} 不是整数；NPS 回答须为 0 到 10 的整数",
    ),
    (
        r"(?P<v>\S+) is not a usable weight; weights are numbers above 0",
        "{v} 不是可用的权重；权重须为大于 0 的数",
    ),
    (
        rf"{_Q} is not (?P<what>an? [\w ]+); use one of (?P<allowed>.*)",
        "“{value}”不是有效的{what_zh}；请使用 {allowed} 之一",
    ),
    (
        r"write the dimension key '(?P<key>.*)' instead of '(?P<value>.*)'",
        "请写考核维度的键“{key}”，而不是“{value}”",
    ),
    (
        rf"{_Q} is used again \(first in row (?P<first>\d+)\); if it is the same answer exported "
        r"twice, delete one of the rows",
        "“{value}”重复出现（首次在第 {first} 行）；如果是同一条反馈导出了两次，请删除其中一行",
    ),
    (
        r"(?P<what>.+) appears again \(first in row (?P<first>\d+)\); keep one row per "
        r"(?P<keys>.+)",
        "{what} 重复出现（首次在第 {first} 行）；每个 {keys_zh} 只保留一行",
    ),
    (
        rf"{_Q} holds characters an id cannot have; ids may use letters, digits, '_', '-' and "
        r"'\.', start with a letter or digit and have at most (?P<most>\d+) characters",
        "“{value}”含有编号中不能使用的字符；编号只能使用字母、数字、“_”、“-”和“.”，须以字母或数字"
        "开头，最多 {most} 个字符",
    ),
    (
        rf"{_Q} is (?P<count>\d+) characters long \(at most (?P<most>\d+)\); ids may use letters, "
        r"digits, '_', '-' and '\.', start with a letter or digit and have at most \d+ characters",
        "“{value}”长 {count} 个字符（最多 {most} 个）；编号只能使用字母、数字、“_”、“-”和“.”，须以"
        "字母或数字开头，最多 {most} 个字符",
    ),
    (
        rf"{_Q} starts with '(?P<c>.)', which a spreadsheet reads as a formula; the product writes "
        r"it with a leading ' but better start ids with a letter or digit",
        "“{value}”以“{c}”开头，电子表格会把它当作公式；导出时会在前面加一个 '，但编号最好以字母"
        "或数字开头",
    ),
    (
        r"period_to (?P<end>\S+) is before period_from (?P<start>\S+); the KPI would never be "
        r"active",
        "period_to {end} 早于 period_from {start}；该指标永远不会生效",
    ),
    (
        r"KPI '(?P<kpi>.*)' is not active in (?P<p>\S+) \(it runs (?P<span>.*) in "
        r"(?P<file>\S+)\); correct the period, or widen the KPI's period_from / period_to",
        "指标“{kpi}”在 {p} 不生效（{file} 中它{span_zh}生效）；请更正周期，或放宽该指标的 "
        "period_from / period_to",
    ),
    (
        r"KPI '(?P<kpi>.*)' is active in (?P<p>\S+) but its goal '(?P<goal>.*)' is not "
        r"\(the goal applies (?P<span>.*)\); link the KPI to a current goal or end it with "
        r"period_to",
        "指标“{kpi}”在 {p} 生效，但其子目标“{goal}”在该周期不适用（该子目标{span_zh}适用）；"
        "请把指标关联到当前的子目标，或用 period_to 结束该指标",
    ),
]

# Feedback files read by `kpi-workbook feedback` and the feedback table
_FEEDBACK: list[tuple[str, str]] = [
    (
        r"(?P<v>\S+) is outside the (?P<f>\w+) scale (?P<lo>-?[\d.]+)-(?P<hi>-?[\d.]+); excluded",
        "{v} 超出 {f} 量表范围 {lo}-{hi}；已排除",
    ),
    (
        r"(?P<v>\S+) is not a whole number; NPS answers are whole numbers 0-10; excluded",
        "{v} 不是整数；NPS 回答须为 0-10 的整数；已排除",
    ),
    (
        rf"{_Q} is a star rating, but nps is the 0-10 recommend question; map this column to csat "
        r"with scale \[1, 5\] if it holds stars",
        "“{value}”是星级评分，而 nps 是 0-10 分的推荐意愿题；如果这一列是星级，请把它映射为 csat，"
        "scale [1, 5]",
    ),
    (rf"{_Q} is not a score; the row counts without it", "“{value}”不是分数；该行不计这项分数"),
    (
        r"(?P<count>[\d,]+) duplicate rows? (?P<act>dropped|kept)",
        "{count} 行重复，已{act_zh}",
    ),
    (
        r"repeats row (?P<row>\d+) \((?P<rep>id .*|every cell)\); (?P<act>dropped|kept)",
        "与第 {row} 行重复（{rep_zh}）；已{act_zh}",
    ),
    (
        r"(?P<count>[\d,]+) rows? ha(?:s|ve) an empty text; they count in the scores but not in "
        r"sentiment and themes",
        "{count} 行的文本为空；这些行计入评分，但不参与情感和主题分析",
    ),
    (
        r"resolved (?P<r>\S+) before the feedback date (?P<d>\S+); not used",
        "解决日期 {r} 早于反馈日期 {d}；未采用",
    ),
    (r"and (?P<count>[\d,]+) more rows like these", "另有 {count} 行同类问题"),
    (
        r"column\(s\) (?P<cols>.+) not found with mapping '(?P<m>.*)' \(the file has: "
        r"(?P<has>.*)\); this file fits --mapping (?P<fits>.+)",
        "使用映射“{m}”时找不到列 {cols}（文件中的列：{has}）；这个文件适合 --mapping {fits_zh}",
    ),
    (
        r"(?:column\(s\) (?P<cols>.+) not found|no score or text column found) with mapping "
        r"'(?P<m>.*)' \(the file has: (?P<has>.*)\); write a mapping YAML naming the columns and "
        r"pass --mapping FILE",
        "使用映射“{m}”时找不到{cols_zh}（文件中的列：{has}）；请写一个映射 YAML 注明各列，"
        "并用 --mapping FILE 指定",
    ),
    (
        r"not a feedback field; the fields are (?P<fields>.*)",
        "不是反馈字段；可用的字段有 {fields}",
    ),
]


def _span(text: str) -> str:
    """'from 2026-Q1 to 2026-Q2' / 'from 2026-Q1 on' / 'until 2026-Q2' / 'in every period'."""
    for pattern, zh in (
        (r"from (\S+) to (\S+)", "从 {0} 到 {1} "),
        (r"from (\S+) on", "从 {0} 起"),
        (r"until (\S+)", "到 {0} 为止"),
        (r"in every period", "在每个周期都"),
    ):
        m = re.fullmatch(pattern, text)
        if m:
            return zh.format(*m.groups())
    return text


def _inherited(text: str) -> str:
    """' (stretch from kpis.csv)': a level a target row takes from its KPI."""
    return re.sub(r" \((\w+) from (\S+)\)", r"（\1 取自 \2）", text)


def _repeat(text: str) -> str:
    """'id F1' or 'every cell' of a repeated feedback row."""
    return "每个单元格都相同" if text == "every cell" else "编号 " + text.removeprefix("id ")


# Words the Chinese sentences need: named part -> words or a function of the English part
EXTRA: dict[str, dict[str, str] | Callable[[str], str]] = {
    "dir_zh": {"higher": "越高越好", "lower": "越低越好"},
    "how_zh": {"smaller": "百分之一", "larger": "100 倍"},
    "order_zh": {"day": "日在前", "month": "月在前"},
    "unit_zh": {"quarter": "季度", "half-year": "半年"},
    "want_zh": {"quarter": "季度", "half-year": "半年"},
    "kind_zh": {
        "objective": "战略目标",
        "goal": "子目标",
        "a named pipe (FIFO)": "命名管道（FIFO）",
        "a character device": "字符设备",
        "a block device": "块设备",
        "a socket": "套接字",
        "a folder": "文件夹",
    },
    "what_zh": {
        "a dimension": "考核维度",
        "a direction": "指标方向",
        "an event kind": "事件类型",
        "an author": "评价人",
    },
    "act_zh": {"dropped": "删除", "kept": "保留"},
    "fits_zh": lambda fits: " 或 ".join(fits.split(" or ")),
    "cols_zh": lambda cols: f"列 {cols}" if cols else "评分或文本列",
    "keys_zh": lambda keys: "、".join(keys.split(" and ")),
    "span_zh": _span,
    "rep_zh": _repeat,
    "inh_zh": _inherited,
}

CATALOGUE: list[tuple[str, str]] = [*_FILES, *_TABLES, *_FEEDBACK, *_COMPANY, *_VALUES]
