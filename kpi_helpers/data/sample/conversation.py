"""The sample's review conversation: rater ids, self-assessments and manager words, check-ins.

- Raters: one manager per team, peers and cross-team colleagues drawn in turn from fixed pools
  (three peers per PM, so peer comments can be shown; two cross-team raters, one manager and
  the PM's own score, pooled as "other raters").
- assessments.csv: for the last two quarters, every PM's self-assessment and the manager's
  comments, with a 1-5 rating, written to match each PM's story.
- checkins.csv: weekly check-ins in the current, unfinished quarter (2026-Q4) for every KPI
  measured outside feedback and reviews: PM05 keeps sliding (off track), PM03 stays far ahead,
  PM02 keeps improving, PM04 slips towards its thresholds, the others hover around target.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from kpi_helpers.data.sample.kpis import (
    KPIS,
    PERIODS,
    PROFILES,
    _round,
    effective_levels,
    is_active,
    is_evidence,
    value_at,
)
from kpi_helpers.data.sample.strategy import PEOPLE
from kpi_helpers.data.sample.writing import csv_text, fixed

PEER_POOL = 8
CROSS_POOL = 6
CURRENT = "2026-Q4"
CHECKIN_DAYS = tuple(dt.date(2026, 10, 5) + dt.timedelta(weeks=w) for w in range(8))
# Where each PM is heading in the current quarter, on the threshold/target/stretch scale.
DRIFT = {"PM01": 0.0, "PM02": 0.25, "PM03": 0.1, "PM04": -0.05, "PM05": -0.35, "PM06": 0.0}


def rater_id(role: str, pm_index: int, period_index: int, slot: int) -> str:
    """A stable, opaque id for the slot-th rater of a role (the same person across dimensions)."""
    if role == "manager":
        teams = sorted({p.team for p in PEOPLE})
        return f"M{teams.index(PEOPLE[pm_index].team) + 1:02d}"
    if role == "peer":
        return f"P{(pm_index * 3 + period_index + slot) % PEER_POOL + 1:02d}"
    if role == "cross_team":
        return f"X{(pm_index * 2 + period_index + slot) % CROSS_POOL + 1:02d}"
    return f"S-{PEOPLE[pm_index].pm_id}"


SELF = {
    "PM01": ("订单转化稳定达标，v6.0 的崩溃问题已彻底修复；下季度重点是配送时效。", 4),
    "PM02": ("连续五个季度提升，复购率首次超过挑战值；需要更多数据分析人手。", 4),
    "PM03": ("会员指标全部超额；我认为部分目标偏低，希望下季度一起重新定。", 5),
    "PM04": ("钱包月活增长符合预期，NPS 略低于目标，正在排查支付失败的反馈。", 3),
    "PM05": ("推荐算法调整后留存下滑，直播活动超支；我已提交改进计划，需要算法团队支持。", 2),
    "PM06": ("两条产品线都基本达标，跨团队依赖仍然拖慢上线节奏。", 3),
}
MANAGER = {
    "PM01": ("稳定可靠；崩溃修复后的复盘很扎实，可以把经验推广到其他团队。", 4),
    "PM02": ("进步明显，数据驱动的做法值得推广；下季度目标应相应提高。", 4),
    "PM03": ("结果突出，但目标偏易，校准时需要讨论；下季度目标需重新设定。", 4),
    "PM04": ("执行稳定；NPS 的问题需要更快给出原因和行动。", 3),
    "PM05": ("连续两个季度低于门槛，需要一起分析原因，明确资源支持和改进计划。", 2),
    "PM06": ("整体达标；跨团队依赖要提前预警，不要等到上线前。", 3),
}
EARLIER = {
    "self": ("本季度主要目标推进正常，详见各 KPI 备注。", 3),
    "manager": ("按计划推进，保持节奏。", 3),
}


def assessments_csv() -> str:
    """Self-assessments and manager comments for the last two quarters with actuals."""
    rows = []
    for period in PERIODS[-2:]:
        latest = period == PERIODS[-1]
        for person in PEOPLE:
            for author, texts in (("self", SELF), ("manager", MANAGER)):
                text, rating = texts[person.pm_id] if latest else EARLIER[author]
                rows.append([period, person.pm_id, author, text, "", str(rating)])
    return csv_text(["period", "pm_id", "author", "text", "dimension", "rating"], rows)


def checkins_csv(rng: np.random.Generator) -> str:
    """Weekly check-ins in CURRENT for every KPI measured outside feedback and reviews."""
    rows = []
    last = PERIODS[-1]
    for spec in KPIS:
        if is_evidence(spec) or not (is_active(spec, CURRENT) and is_active(spec, last)):
            continue
        start = PROFILES[spec.owner][-1] + spec.offset
        drift = DRIFT[spec.owner]
        levels = effective_levels(spec, CURRENT)
        for w, day in enumerate(CHECKIN_DAYS):
            pos = start + drift * (w + 1) + float(rng.normal(0.0, 0.05))
            value = min(max(value_at(pos, *levels), spec.low), spec.high)
            confidence = int(min(5, max(1, round(3 + 2 * (pos - 1)))))
            note = ""
            if spec.owner == "PM05" and w == len(CHECKIN_DAYS) - 1:
                note = "算法回滚评估中 / evaluating a rollback of the ranking change"
            rows.append(
                [
                    day.isoformat(),
                    spec.kpi_id,
                    fixed(_round(value, spec.decimals), spec.decimals),
                    str(confidence),
                    note,
                ]
            )
    return csv_text(["date", "kpi_id", "value", "confidence", "note"], rows)
