"""Findings of the KPI lint and the periodic review: one table shape, bilingual sentences by key.

A finding's `kind` is also its message key. Every finding carries `params` (a dict of the values
its sentence names), and the rendered sentence in English (`message`) and Chinese (`message_zh`),
so a report can use the sentence as is or re-render it with `finding_text(kind, params, lang)`.
"""

from __future__ import annotations

import math

import pandas as pd

from .i18n import dimension_name

FINDING_COLUMNS = [
    "kind", "severity", "pm_id", "kpi_id", "objective_id", "message", "message_zh", "params",
]  # fmt: skip
SEVERITIES = ("error", "warning", "info")

# kind -> (English, Chinese); placeholders are filled from the finding's params.
MESSAGES: dict[str, tuple[str, str]] = {
    # lint: alignment
    "goal_unknown": (
        "KPI {kpi_id} points at goal {goal_id}, which is not in company.yaml; link it to a goal of the strategy or retire it.",
        "指标 {kpi_id} 关联的子目标 {goal_id} 不在 company.yaml 中；请改为关联战略中的子目标，或停用该指标。",
    ),
    "goal_inactive": (
        "KPI {kpi_id} points at goal {goal_id}, which is not part of the strategy in {period}; link it to an active goal or set its period_to.",
        "指标 {kpi_id} 关联的子目标 {goal_id} 在 {period} 已不属于战略；请改为关联当前子目标，或设置 period_to 停用。",
    ),
    "objective_uncovered": (
        "Objective {objective_id} has no KPI in {period}; add a KPI under one of its goals ({goals}).",
        "战略目标 {objective_id} 在 {period} 没有任何指标；请在其子目标（{goals}）下新增指标。",
    ),
    "goal_uncovered": (
        "Goal {goal_id} of objective {objective_id} has no KPI in {period}; add one if the goal needs its own measure.",
        "战略目标 {objective_id} 的子目标 {goal_id} 在 {period} 没有指标；如需单独衡量，请新增指标。",
    ),
    "weights_sum": (
        "The KPI weights of {pm_id} add up to {total} in {period}, not 100; adjust them so they sum to 100.",
        "{pm_id} 在 {period} 的指标权重合计为 {total}，不是 100；请调整使其合计为 100。",
    ),
    # lint: measurability (SMART)
    "missing_unit": (
        "KPI {kpi_id} has no unit; add one (for example %, users or days) so its values can be read.",
        "指标 {kpi_id} 没有单位；请补充单位（如 %、人、天），以便解读数值。",
    ),
    "missing_data_source": (
        "KPI {kpi_id} has no data source; name the system or report its actual comes from.",
        "指标 {kpi_id} 没有数据来源；请注明实际值取自哪个系统或报表。",
    ),
    "missing_definition": (
        "KPI {kpi_id} has no definition; write down exactly what is counted so everyone measures it the same way.",
        "指标 {kpi_id} 没有定义（口径）；请写明统计口径，保证大家按同一方式计算。",
    ),
    "missing_baseline": (
        "KPI {kpi_id} has no baseline; add the value before the KPI started so progress can be judged.",
        "指标 {kpi_id} 没有基线值；请补充指标开始前的数值，以便判断进展。",
    ),
    "target_too_easy": (
        "The target {target} of KPI {kpi_id} in {period} is already beaten by the last two actuals ({last_two}); make it at least as demanding as {suggested}.",
        "指标 {kpi_id} 在 {period} 的目标值 {target} 已被最近两期实际值（{last_two}）超过；请把目标至少调整到 {suggested} 的水平。",
    ),
    "target_out_of_reach": (
        "The target {target} of KPI {kpi_id} in {period} is beyond the best value so far ({best}) plus the largest change between two periods ({jump}); bring it within {limit} or explain the plan that makes it reachable.",
        "指标 {kpi_id} 在 {period} 的目标值 {target} 超过了历史最好值（{best}）加上最大单期变化（{jump}）；请调整到 {limit} 以内，或说明可实现的计划。",
    ),
    "dimension_gap": (
        "{pm_id} has no KPI in {count} of the ten dimensions ({dimensions}) in {period}; add KPIs where the role is responsible, or confirm the gap is intended.",
        "{pm_id} 在 {period} 有 {count} 个考核维度没有指标（{dimensions}）；请为其职责范围内的维度补充指标，或确认该缺口是有意为之。",
    ),
    # review across periods
    "kpi_too_easy": (
        "KPI {kpi_id} reached its stretch value in {periods}; raise its target for {next_period}.",
        "指标 {kpi_id} 在 {periods} 连续达到挑战值；请提高其 {next_period} 的目标。",
    ),
    "kpi_under_threshold": (
        "KPI {kpi_id} stayed below its threshold in {periods}; investigate the cause, add resources, or re-target it for {next_period}.",
        "指标 {kpi_id} 在 {periods} 连续低于门槛值；请排查原因、补充资源，或重新设定其 {next_period} 的目标。",
    ),
    "pm_too_easy": (
        "{pm_id} reached the stretch value on {count} KPIs ({kpis}) in {periods}; raise these targets for {next_period}.",
        "{pm_id} 在 {periods} 有 {count} 个指标（{kpis}）连续达到挑战值；请提高这些指标 {next_period} 的目标。",
    ),
    "pm_under_threshold": (
        "{pm_id} stayed below the threshold on {count} KPIs ({kpis}) in {periods}; review workload and resources with them before {next_period}.",
        "{pm_id} 在 {periods} 有 {count} 个指标（{kpis}）连续低于门槛值；请在 {next_period} 前与其复盘工作量和资源。",
    ),
    "goal_left_strategy": (
        "KPI {kpi_id} still points at goal {goal_id}, which left the strategy after {goal_to}; retire it (set period_to) or link it to a current goal.",
        "指标 {kpi_id} 仍关联子目标 {goal_id}，而该子目标在 {goal_to} 之后已退出战略；请停用（设置 period_to）或改为关联当前子目标。",
    ),
    "weights_after_retirement": (
        "Once the retirements apply, the KPI weights of {pm_id} add up to {total} in {next_period}, not 100; re-weight the remaining KPIs or add a replacement.",
        "停用相关指标后，{pm_id} 在 {next_period} 的指标权重合计为 {total}，不是 100；请重新分配剩余指标的权重或新增替代指标。",
    ),
    "missing_data": (
        "KPI {kpi_id} has no actual for {periods}; add the values to actuals.csv or record why they are missing.",
        "指标 {kpi_id} 在 {periods} 没有实际值；请补录到 actuals.csv，或记录缺失原因。",
    ),
    # proposal reasons
    "proposal.raise": (
        "It beat its target in {periods} (last {last}); the target moves to {target}, following the trend and never easier than the last actual.",
        "该指标在 {periods} 连续达成目标（最近一期 {last}）；按趋势把目标调整为 {target}，且不比最近实际值更容易达成。",
    ),
    "proposal.ease": (
        "It stayed below its threshold in {periods} (last {last}); the target moves to {target}, one typical move beyond the trend, after you investigate the cause.",
        "该指标在 {periods} 连续低于门槛值（最近一期 {last}）；在排查原因后，把目标调整为 {target}（趋势值再进一步一个典型变化幅度）。",
    ),
    "proposal.unchanged": (
        "Unchanged: {why}.",
        "不变：{why_zh}。",
    ),
}

UNCHANGED_WHY: dict[str, tuple[str, str]] = {
    "no_streak": ("it did not beat its target, nor stay below its threshold, two periods running", "最近两期既未连续达成目标，也未连续低于门槛值"),
    "no_data": ("there is no actual for {period} yet", "{period} 尚无实际值"),
    "short": ("fewer than two actuals so far", "目前实际值不足两期"),
    "new": ("the KPI starts in {next_period}", "该指标自 {next_period} 起生效"),
    "retire": ("its goal {goal_id} left the strategy; retire it rather than re-target it", "其子目标 {goal_id} 已退出战略，应停用而非调整目标"),
    "rounding": ("the history does not move the numbers by a full rounding step", "历史数据带来的调整不足一个取整步长"),
}  # fmt: skip


def fmt_number(value) -> str:
    """A number as a person writes it: 12000, 35.5, 0.25 (no trailing zeros, no exponent)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, (int, float)):
        v = float(value)
        if v.is_integer():
            return str(int(v))
        return f"{v:.4f}".rstrip("0").rstrip(".")
    return str(value)


def _display(params: dict, lang: str) -> dict:
    out = {}
    sep = "、" if lang == "zh" else ", "
    for key, v in params.items():
        if key == "dimensions":
            v = [dimension_name(d, lang) for d in v]
        if isinstance(v, (list, tuple)):
            out[key] = sep.join(fmt_number(x) for x in v)
        else:
            out[key] = fmt_number(v)
    return out


def finding_text(kind: str, params: dict, lang: str = "en") -> str:
    """The sentence of a finding (or proposal reason) in 'en' or 'zh'."""
    en, zh = MESSAGES[kind]
    p = _display(params, lang)
    if kind == "proposal.unchanged":
        why_en, why_zh = UNCHANGED_WHY[params["why"]]
        p["why"], p["why_zh"] = why_en.format(**p), why_zh.format(**p)
    return (zh if lang == "zh" else en).format(**p)


def finding(
    kind: str,
    severity: str,
    *,
    pm_id=None,
    kpi_id=None,
    objective_id=None,
    **params,
) -> dict:
    """One finding row; kpi_id / pm_id / objective_id are also available to the sentence."""
    ids = {"pm_id": pm_id, "kpi_id": kpi_id, "objective_id": objective_id}
    full = {**{k: v for k, v in ids.items() if v is not None}, **params}
    return {
        "kind": kind,
        "severity": severity,
        **ids,
        "message": finding_text(kind, full, "en"),
        "message_zh": finding_text(kind, full, "zh"),
        "params": full,
    }


def findings_frame(rows: list[dict]) -> pd.DataFrame:
    """Findings as a table: errors first, then warnings, then info; within each by kind, PM, KPI."""
    frame = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    for col in ("pm_id", "kpi_id", "objective_id"):
        frame[col] = frame[col].astype("object").where(frame[col].notna(), None)
    order = frame["severity"].map({s: i for i, s in enumerate(SEVERITIES)})
    frame = frame.assign(_o=order).sort_values(
        ["_o", "kind", "pm_id", "kpi_id", "objective_id"], na_position="first", kind="stable"
    )
    return frame.drop(columns="_o").reset_index(drop=True)
