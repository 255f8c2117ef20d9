"""The sample KPIs (kpis.csv, targets.csv) and the actual values their owners reach (actuals.csv)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kpi_helpers.data.sample.strategy import FIRST_PERIOD, LAST_PERIOD
from kpi_helpers.data.sample.writing import csv_text, fixed, number
from kpi_helpers.periods import active_in, parse_period, period_range

PERIODS = period_range(FIRST_PERIOD, LAST_PERIOD)

KPI_COLUMNS = [
    "kpi_id", "owner", "name", "name_en", "dimension", "goal_id", "unit", "direction",
    "threshold", "target", "stretch", "weight", "baseline", "data_source", "definition",
    "period_from", "period_to",
]  # fmt: skip


@dataclass(frozen=True)
class KpiSpec:
    kpi_id: str
    owner: str
    name: str
    name_en: str
    dimension: str
    goal_id: str
    unit: str
    direction: str
    threshold: float
    target: float
    stretch: float | None
    weight: int
    baseline: float
    data_source: str
    definition: str
    period_from: str = FIRST_PERIOD
    period_to: str | None = None
    decimals: int = 0  # how actual values are written
    low: float = 0.0  # natural bounds of the measure
    high: float = math.inf
    offset: float = 0.0  # this KPI's usual position against its owner's profile


def _k(*args, **kw) -> KpiSpec:
    return KpiSpec(*args, **kw)


PCT = {"decimals": 1, "high": 100.0}
SCORE = {"decimals": 2, "low": 1.0, "high": 5.0}

KPIS: tuple[KpiSpec, ...] = (
    # PM01 林晓雯, QingEats: on target, except a crash wave after v6.0 in 2026-Q1.
    _k("K101", "PM01", "下沉市场订单渗透率", "Lower-tier city order penetration", "strategy_alignment", "G11", "%", "higher", 18, 22, 25, 20, 16.5, "bi.orders_by_city_tier", "三线及以下城市活跃用户中本季度下过单的占比 / share of active users in tier-3+ cities who ordered this quarter", **PCT),
    _k("K102", "PM01", "月均新增下单用户", "Monthly new ordering users", "user_growth", "G12", "人", "higher", 80000, 100000, 120000, 15, 86000, "bi.new_users", "季度内每月首次下单用户数的平均值 / mean monthly count of first-time ordering users"),
    _k("K103", "PM01", "外卖满意度CSAT", "QingEats CSAT", "customer_satisfaction", "G21", "%", "higher", 55, 63, 70, 15, 61.0, "feedback.csat:product=QingEats", "评分4-5分的反馈占比（应用商店与问卷）/ share of 4-5 ratings in app-store reviews and surveys", **PCT),
    _k("K104", "PM01", "版本按时上线率", "On-time launch rate", "delivery", "G14", "%", "higher", 70, 85, 95, 15, 78.0, "jira.releases", "按计划日期上线的版本占比 / share of releases shipped on the planned date", **PCT),
    _k("K105", "PM01", "严重线上事故数", "Severe incidents", "risk", "G23", "次", "lower", 4, 2, 0, 10, 3, "sre.incidents", "本季度P0/P1级线上事故次数 / P0/P1 production incidents this quarter"),
    _k("K106", "PM01", "跨团队计划按时完成率", "Cross-team plans delivered on time", "collaboration", "G14", "%", "higher", 70, 85, None, 10, 76.0, "pmo.cross_team_plans", "与其他部门约定的计划项按时完成的占比 / share of plan items agreed with other departments delivered on time", **PCT),
    _k("K107", "PM01", "复盘按期完成率", "Retrospectives held on schedule", "performance_feedback", "G22", "%", "higher", 75, 90, None, 15, 80.0, "pmo.retrospectives", "计划内项目复盘按期召开的占比 / share of planned project retrospectives held on time", **PCT),
    # PM02 陈浩然, QingMart: improves every quarter, from near threshold to above target.
    _k("K201", "PM02", "新用户增长贡献占比", "Share of company new-user growth", "strategy_alignment", "G12", "%", "higher", 15, 20, 24, 15, 14.0, "bi.new_users", "本产品带来的新用户占全公司新用户的比例 / share of the company's new users that came through QingMart", **PCT),
    _k("K202", "PM02", "30日留存率", "30-day retention", "user_growth", "G13", "%", "higher", 32, 36, 40, 20, 31.0, "bi.retention", "新用户注册后第30天仍活跃的占比 / share of new users still active on day 30", **PCT),
    _k("K203", "PM02", "GMV季度环比增长率", "GMV growth quarter on quarter", "user_growth", "G12", "%", "higher", 5, 8, 12, 15, 4.5, "finance.gmv", "GMV较上季度的增长率；2025-Q4后由K208复购率取代 / GMV growth over the previous quarter; replaced by K208 after 2025-Q4", period_to="2025-Q4", decimals=1, low=-20.0, high=60.0),
    _k("K204", "PM02", "新品类收入占比", "Revenue share of new categories", "innovation", "G31", "%", "higher", 5, 8, 10, 15, 4.0, "finance.revenue_by_category", "近12个月上线的新品类收入占比；2026-Q2后停用 / revenue share of categories launched in the last 12 months; dropped after 2026-Q2", period_to="2026-Q2", **PCT),
    _k("K205", "PM02", "需求到上线天数中位数", "Median days from spec to launch", "delivery", "G14", "天", "lower", 45, 35, 28, 10, 48, "jira.releases", "需求评审通过到上线的天数中位数 / median days from approved spec to launch", low=5.0),
    _k("K206", "PM02", "A/B实验数", "A/B tests run", "data_decision", "G24", "次", "higher", 4, 6, 9, 10, 3, "abtest.platform", "本季度完成并出结论的A/B实验数 / A/B tests completed with a conclusion this quarter"),
    _k("K207", "PM02", "预算偏差率", "Budget deviation", "resource", "G14", "%", "lower", 15, 8, 5, 15, 17.0, "finance.budget", "实际支出与预算之差的绝对值占预算的比例 / absolute difference between spend and budget, as % of budget", **PCT),
    _k("K208", "PM02", "90日复购率", "90-day repeat-purchase rate", "user_growth", "G13", "%", "higher", 35, 40, 45, 15, 36.0, "bi.orders", "90天内下单2次及以上的用户占比；自2026-Q1起取代K203 / share of buyers with 2+ orders in 90 days; replaces K203 from 2026-Q1", period_from="2026-Q1", **PCT),
    _k("K209", "PM02", "新功能上线数", "New features launched", "innovation", "G13", "次", "higher", 3, 5, 7, 15, 4, "jira.releases", "本季度上线的面向用户的新功能数；自2026-Q3起取代K204 / user-facing features launched this quarter; replaces K204 from 2026-Q3", period_from="2026-Q3"),
    # PM03 王思琪, QingPlus: always above target, at or above stretch lately (targets too easy).
    _k("K301", "PM03", "会员渗透率", "Membership penetration", "strategy_alignment", "G13", "%", "higher", 10, 12, 14, 20, 10.5, "bi.membership", "月活用户中付费会员的占比 / share of monthly active users who are paying members", **PCT),
    _k("K302", "PM03", "付费会员月净增", "Monthly net new paying members", "user_growth", "G12", "人", "higher", 20000, 25000, 30000, 15, 21000, "bi.membership", "季度内每月付费会员净增数的平均值 / mean monthly net gain of paying members"),
    _k("K303", "PM03", "会员NPS", "QingPlus NPS", "customer_satisfaction", "G21", "分", "higher", 25, 35, 45, 15, 28.0, "feedback.nps:product=QingPlus", "推荐者占比减贬损者占比（问卷与应用内调研）/ % promoters minus % detractors in surveys", decimals=1, low=-100.0, high=100.0),
    _k("K304", "PM03", "权益上线按时率", "On-time launch of member benefits", "delivery", "G14", "%", "higher", 75, 85, 92, 10, 80.0, "jira.releases", "按计划日期上线的会员权益占比 / share of member benefits launched on the planned date", **PCT),
    _k("K305", "PM03", "市场与竞品研究报告数", "Market and competitor studies", "innovation", "G32", "次", "higher", 1, 2, 3, 10, 1, "wiki.research", "本季度发布的市场或竞品研究报告数；2026-Q2后停用 / market or competitor studies published this quarter; dropped after 2026-Q2", period_to="2026-Q2"),
    _k("K306", "PM03", "数据分析报告数", "Analysis reports", "data_decision", "G24", "次", "higher", 4, 6, None, 10, 4, "wiki.analysis", "本季度完成的专题数据分析报告数 / topic analysis reports completed this quarter"),
    _k("K307", "PM03", "360协作评分", "360° collaboration score", "collaboration", "G14", "分", "higher", 3.2, 3.8, 4.3, 10, 3.9, "reviews.collaboration", "360度评估中协作维度的平均分（1-5）/ mean 360° collaboration rating (1-5)", **SCORE),
    _k("K308", "PM03", "研发资源利用率", "Engineering resource utilisation", "resource", "G14", "%", "higher", 70, 80, 88, 10, 74.0, "pmo.capacity", "已排期工时占可用研发工时的比例 / scheduled hours as a share of available engineering hours", **PCT),
    _k("K309", "PM03", "新权益试点数", "New member-benefit pilots", "innovation", "G12", "次", "higher", 1, 2, 3, 10, 2, "wiki.research", "本季度上线试点的新会员权益数；自2026-Q3起取代K305 / new member benefits piloted this quarter; replaces K305 from 2026-Q3", period_from="2026-Q3"),
    # PM04 赵明轩, QingPay: around target; the NPS KPI has no actual in 2026-Q3 (derive it).
    _k("K401", "PM04", "站内支付份额", "Share of in-app payments", "strategy_alignment", "G13", "%", "higher", 30, 35, 40, 15, 31.0, "bi.payments", "站内订单中使用青橙钱包支付的占比 / share of in-app orders paid with QingPay", **PCT),
    _k("K402", "PM04", "钱包月活增长率", "Wallet MAU growth", "user_growth", "G13", "%", "higher", 2, 4, 6, 15, 2.5, "bi.active_users", "钱包月活跃用户较上季度的增长率 / wallet monthly active users, growth over the previous quarter", decimals=1, low=-10.0, high=30.0),
    _k("K403", "PM04", "钱包NPS", "QingPay NPS", "customer_satisfaction", "G21", "分", "higher", 20, 30, 40, 15, 26.0, "feedback.nps:product=QingPay", "推荐者占比减贬损者占比（问卷与应用内调研）/ % promoters minus % detractors in surveys", decimals=1, low=-100.0, high=100.0),
    _k("K404", "PM04", "14天反馈解决率", "Feedback resolved within 14 days", "customer_satisfaction", "G22", "%", "higher", 70, 80, 90, 10, 74.0, "feedback.resolved_14d:product=QingPay", "客服工单中14天内解决的占比 / share of support tickets resolved within 14 days", **PCT),
    _k("K405", "PM04", "风险评估次数", "Risk assessments", "risk", "G23", "次", "higher", 2, 3, 4, 10, 2, "grc.risk_register", "本季度完成的支付风险评估次数 / payment risk assessments completed this quarter"),
    _k("K406", "PM04", "风险按期缓解率", "Risks mitigated on time", "risk", "G23", "%", "higher", 70, 85, None, 10, 72.0, "grc.risk_register", "到期风险项中按期缓解的占比 / share of due risk items mitigated on time", **PCT),
    _k("K407", "PM04", "需求变更率", "Requirement change rate", "collaboration", "G14", "%", "lower", 25, 15, 10, 10, 22.0, "jira.requirements", "评审后又被修改的需求占比 / share of requirements changed after review", **PCT),
    _k("K408", "PM04", "改进措施完成数", "Improvement actions completed", "performance_feedback", "G22", "次", "higher", 3, 5, None, 15, 3, "pmo.retrospectives", "复盘中确定并完成的改进措施数 / improvement actions agreed in retrospectives and completed"),
    # PM05 刘佳怡, QingLive: slides from on target to below threshold on most KPIs.
    _k("K501", "PM05", "短视频市场份额", "Short-video market share", "strategy_alignment", "G12", "%", "higher", 3.0, 3.5, 4.0, 15, 3.3, "market.third_party_panel", "第三方监测的短视频日活市场份额 / short-video daily-active share from a third-party panel", decimals=2, high=100.0),
    _k("K502", "PM05", "30日留存率", "30-day retention", "user_growth", "G13", "%", "higher", 25, 30, 34, 20, 27.0, "bi.retention", "新用户注册后第30天仍活跃的占比 / share of new users still active on day 30", **PCT),
    _k("K503", "PM05", "视频满意度CSAT", "QingLive CSAT", "customer_satisfaction", "G21", "%", "higher", 50, 58, 64, 15, 57.0, "feedback.csat:product=QingLive", "评分4-5分的反馈占比（应用商店与问卷）/ share of 4-5 ratings in app-store reviews and surveys", **PCT),
    _k("K504", "PM05", "需求到上线天数中位数", "Median days from spec to launch", "delivery", "G14", "天", "lower", 40, 30, 24, 10, 36, "jira.releases", "需求评审通过到上线的天数中位数 / median days from approved spec to launch", low=5.0, offset=1.1),
    _k("K505", "PM05", "创作者工具新功能数", "Creator-tool features launched", "innovation", "G13", "次", "higher", 3, 5, 7, 10, 4, "jira.releases", "本季度上线的创作者工具新功能数 / creator-tool features launched this quarter", offset=0.8),
    _k("K506", "PM05", "预算偏差率", "Budget deviation", "resource", "G14", "%", "lower", 15, 8, 5, 15, 11.0, "finance.budget", "实际支出与预算之差的绝对值占预算的比例 / absolute difference between spend and budget, as % of budget", **PCT),
    _k("K507", "PM05", "360绩效反馈评分", "360° performance-feedback score", "performance_feedback", "G22", "分", "higher", 3.2, 3.8, 4.3, 15, 3.7, "reviews.performance_feedback", "360度评估中复盘与改进维度的平均分（1-5）/ mean 360° rating for reviewing and improving own work (1-5)", **SCORE),
    # PM06 周子昂, QingLive community: around target; A/B tests missing for 2025-Q3.
    _k("K601", "PM06", "内容引流新用户占比", "New users acquired through content", "strategy_alignment", "G12", "%", "higher", 10, 14, 18, 15, 11.0, "bi.attribution", "新用户中首个触点为内容分享的占比 / share of new users whose first touch was shared content", **PCT),
    _k("K602", "PM06", "月新增创作者", "Monthly new creators", "user_growth", "G12", "人", "higher", 3000, 4000, 5000, 15, 3200, "bi.creators", "季度内每月首次发布作品的创作者数平均值 / mean monthly count of first-time publishing creators"),
    _k("K603", "PM06", "14天反馈解决率", "Feedback resolved within 14 days", "customer_satisfaction", "G22", "%", "higher", 70, 80, 90, 10, 75.0, "feedback.resolved_14d:product=QingLive", "客服工单中14天内解决的占比 / share of support tickets resolved within 14 days", **PCT),
    _k("K604", "PM06", "A/B实验数", "A/B tests run", "data_decision", "G24", "次", "higher", 3, 5, 8, 15, 3, "abtest.platform", "本季度完成并出结论的A/B实验数 / A/B tests completed with a conclusion this quarter"),
    _k("K605", "PM06", "决策复盘正确率", "Decisions reviewed as correct", "data_decision", "G24", "%", "higher", 60, 70, None, 10, 62.0, "pmo.decision_log", "季度决策复盘中被判定为正确的决策占比 / share of decisions judged correct in the quarterly decision review", **PCT),
    _k("K606", "PM06", "360协作评分", "360° collaboration score", "collaboration", "G14", "分", "higher", 3.2, 3.8, 4.3, 15, 3.6, "reviews.collaboration", "360度评估中协作维度的平均分（1-5）/ mean 360° collaboration rating (1-5)", **SCORE),
    _k("K607", "PM06", "严重线上事故数", "Severe incidents", "risk", "G23", "次", "lower", 3, 1, 0, 10, 2, "sre.incidents", "本季度P0/P1级线上事故次数 / P0/P1 production incidents this quarter"),
    _k("K608", "PM06", "改进措施完成数", "Improvement actions completed", "performance_feedback", "G22", "次", "higher", 3, 5, 7, 10, 4, "pmo.retrospectives", "复盘中确定并完成的改进措施数 / improvement actions agreed in retrospectives and completed"),
)  # fmt: skip

# Per-period overrides (targets.csv): (period, kpi_id, target, threshold, stretch); None = keep kpis.csv.
TARGET_OVERRIDES: tuple[tuple[str, str, float, float | None, float | None], ...] = (
    ("2026-Q1", "K101", 23, 19, 26),
    ("2026-Q2", "K101", 24, 20, 27),
    ("2026-Q3", "K101", 24, 20, 27),
    ("2025-Q1", "K202", 35, 31, None),
    ("2025-Q2", "K202", 35, 31, None),
    ("2025-Q3", "K202", 36, 32, None),
    ("2025-Q4", "K202", 36, 32, None),
    ("2026-Q1", "K202", 37, 33, 41),
    ("2026-Q2", "K202", 38, 34, 42),
    ("2026-Q3", "K202", 38, 34, 42),
    ("2026-Q1", "K602", 4500, 3300, None),
    ("2026-Q2", "K602", 4500, 3300, None),
    ("2026-Q3", "K602", 5000, 3600, 6000),
    ("2026-Q3", "K402", 5, 3, 7),
)

# Each owner's position per period: 0 = threshold, 1 = target, 2 = stretch (linear between).
PROFILES: dict[str, tuple[float, ...]] = {
    "PM01": (1.05,) * 7,
    "PM02": (0.15, 0.4, 0.65, 0.9, 1.15, 1.4, 1.65),
    "PM03": (1.45, 1.65, 1.85, 2.05, 2.3, 2.5, 2.65),
    "PM04": (0.95,) * 7,
    "PM05": (1.0, 0.85, 0.55, 0.25, -0.15, -0.5, -0.75),
    "PM06": (1.0,) * 7,
}
PROFILE_NOISE = {"PM01": 0.3, "PM02": 0.08, "PM03": 0.1, "PM04": 0.3, "PM05": 0.1, "PM06": 0.3}

# Events that move one KPI in one period, as a position (see PROFILES).
EVENTS: dict[tuple[str, str], float] = {
    ("2026-Q1", "K104"): 0.2,  # the v6.0 release slipped
    ("2026-Q1", "K105"): -0.6,  # crash wave after v6.0: 5 severe incidents
    ("2026-Q2", "K105"): 0.6,
}

MISSING_ACTUALS = {("2025-Q3", "K604")}  # the A/B platform migration lost a quarter
UNREPORTED_ACTUALS = {("2026-Q3", "K403")}  # not entered: derive it from feedback.csv

NOTES: dict[tuple[str, str], str] = {
    ("2026-Q1", "K105"): "6.0版本闪退潮，发生5次P1事故 / crash wave after v6.0: 5 P1 incidents",
    ("2026-Q1", "K104"): "6.0版本延期两周 / v6.0 slipped two weeks",
    (
        "2025-Q4",
        "K203",
    ): "最后一个季度，2026-Q1起由K208取代 / last quarter; replaced by K208 from 2026-Q1",
    ("2026-Q2", "K204"): "最后一个季度 / last quarter of this KPI",
    ("2026-Q3", "K101"): "下沉市场目标已于2026-Q2结束 / the lower-tier goal ended with 2026-Q2",
    ("2026-Q2", "K506"): "直播活动超支 / live-event campaign overspent",
    ("2026-Q3", "K506"): "直播活动超支 / live-event campaign overspent",
    ("2026-Q3", "K502"): "推荐算法调整后留存下滑 / retention fell after the feed-ranking change",
}


def is_active(spec: KpiSpec, period: str) -> bool:
    return active_in(period, spec.period_from, spec.period_to)


def effective_levels(spec: KpiSpec, period: str) -> tuple[float, float, float | None]:
    """Threshold, target and stretch of a KPI in a period after targets.csv overrides."""
    thr, tgt, st = spec.threshold, spec.target, spec.stretch
    for p, kid, target, threshold, stretch in TARGET_OVERRIDES:
        if p == period and kid == spec.kpi_id:
            tgt = target
            thr = threshold if threshold is not None else thr
            st = stretch if stretch is not None else st
    return thr, tgt, st


def value_at(position: float, threshold: float, target: float, stretch: float | None) -> float:
    """The value at a position on the threshold(0) / target(1) / stretch(2) scale."""
    top = stretch if stretch is not None else target + (target - threshold) * 0.6
    if position <= 1:
        return threshold + position * (target - threshold)
    return target + (position - 1) * (top - target)


def position_of(value: float, threshold: float, target: float, stretch: float | None) -> float:
    """Inverse of value_at: where a value lies on the threshold / target / stretch scale."""
    top = stretch if stretch is not None else target + (target - threshold) * 0.6
    if (value - target) * (target - threshold) <= 0:
        return (value - threshold) / (target - threshold)
    return 1 + (value - target) / (top - target)


def _round(value: float, decimals: int) -> float:
    scale = 10**decimals
    return math.floor(value * scale + 0.5) / scale


def planned_actuals(rng: np.random.Generator) -> list[tuple[str, str, float]]:
    """(period, kpi_id, value) for every KPI not measured from evidence, by its owner's profile."""
    out = []
    for spec in KPIS:
        offset = spec.offset
        if PROFILE_NOISE[spec.owner] > 0.2:
            offset += float(rng.uniform(-0.25, 0.25))
        for i, period in enumerate(PERIODS):
            noise = float(rng.normal(0.0, PROFILE_NOISE[spec.owner]))
            if not is_active(spec, period) or is_evidence(spec):
                continue
            pos = EVENTS.get((period, spec.kpi_id), PROFILES[spec.owner][i] + offset + noise)
            value = value_at(pos, *effective_levels(spec, period))
            value = min(max(value, spec.low), spec.high)
            out.append((period, spec.kpi_id, _round(value, spec.decimals)))
    return out


def is_evidence(spec: KpiSpec) -> bool:
    return spec.data_source.startswith(("feedback.", "reviews."))


def kpis_csv() -> str:
    rows = []
    for s in KPIS:
        rows.append(
            [
                s.kpi_id, s.owner, s.name, s.name_en, s.dimension, s.goal_id, s.unit, s.direction,
                number(s.threshold), number(s.target), number(s.stretch), str(s.weight),
                number(s.baseline), s.data_source, s.definition, s.period_from, s.period_to or "",
            ]
        )  # fmt: skip
    return csv_text(KPI_COLUMNS, rows)


def targets_csv() -> str:
    rows = sorted(TARGET_OVERRIDES, key=lambda r: (parse_period(r[0]).ordinal, r[1]))
    return csv_text(
        ["period", "kpi_id", "target", "threshold", "stretch"],
        [[p, k, number(t), number(th), number(st)] for p, k, t, th, st in rows],
    )


def actuals_csv(values: list[tuple[str, str, float]]) -> str:
    decimals = {s.kpi_id: s.decimals for s in KPIS}
    order = {s.kpi_id: i for i, s in enumerate(KPIS)}
    rows = sorted(values, key=lambda r: (parse_period(r[0]).ordinal, order[r[1]]))
    return csv_text(
        ["period", "kpi_id", "value", "note"],
        [[p, k, fixed(v, decimals[k]), NOTES.get((p, k), "")] for p, k, v in rows],
    )
