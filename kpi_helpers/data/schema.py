"""The data folder's tables: columns, their types, which are required, and Chinese header aliases."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # str | float | int | period | date | list
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    name: str  # file stem, e.g. "kpis"
    columns: tuple[Column, ...]
    optional_file: bool = False
    key: tuple[str, ...] = field(default=())

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def alias_map(self) -> dict[str, str]:
        """Every accepted header (lower-cased, stripped) -> the English key."""
        out: dict[str, str] = {}
        for c in self.columns:
            out[c.name.lower()] = c.name
            for a in c.aliases:
                out[a.strip().lower()] = c.name
        return out


def _c(name: str, kind: str = "str", required: bool = False, *aliases: str) -> Column:
    return Column(name, kind, required, aliases)


PEOPLE = Table(
    "people",
    (
        _c("pm_id", "str", True, "产品经理编号", "编号", "工号"),
        _c("name", "str", True, "姓名", "名称"),
        _c("team", "str", False, "团队", "小组"),
        _c("products", "list", False, "产品", "负责产品"),
        _c("name_en", "str", False, "英文名"),
        _c("team_en", "str", False, "团队英文名"),
        _c("products_en", "list", False, "产品英文名"),
    ),
    key=("pm_id",),
)

KPIS = Table(
    "kpis",
    (
        _c("kpi_id", "str", True, "指标编号", "kpi编号"),
        _c("owner", "str", True, "负责人", "责任人"),
        _c("name", "str", True, "指标名称", "名称"),
        _c("dimension", "str", True, "维度", "考核维度"),
        _c("goal_id", "str", True, "目标编号", "子目标编号"),
        _c("unit", "str", True, "单位"),
        _c("direction", "str", True, "方向", "指标方向"),
        _c("threshold", "float", True, "门槛值"),
        _c("target", "float", True, "目标值"),
        _c("weight", "float", True, "权重"),
        _c("stretch", "float", False, "挑战值"),
        _c("baseline", "float", False, "基线值", "基准值"),
        _c("data_source", "str", False, "数据来源"),
        _c("definition", "str", False, "定义", "口径"),
        _c("period_from", "period", False, "起始周期", "开始周期"),
        _c("period_to", "period", False, "结束周期", "截止周期"),
        _c("name_en", "str", False, "英文名称"),
        _c("unit_en", "str", False, "英文单位"),
    ),
    key=("kpi_id",),
)

TARGETS = Table(
    "targets",
    (
        _c("period", "period", True, "周期", "考核周期"),
        _c("kpi_id", "str", True, "指标编号", "kpi编号"),
        _c("target", "float", True, "目标值"),
        _c("threshold", "float", False, "门槛值"),
        _c("stretch", "float", False, "挑战值"),
    ),
    optional_file=True,
    key=("period", "kpi_id"),
)

ACTUALS = Table(
    "actuals",
    (
        _c("period", "period", True, "周期", "考核周期"),
        _c("kpi_id", "str", True, "指标编号", "kpi编号"),
        _c("value", "float", True, "实际值", "数值", "完成值"),
        _c("note", "str", False, "备注", "说明"),
    ),
    key=("period", "kpi_id"),
)

FEEDBACK = Table(
    "feedback",
    (
        _c("feedback_id", "str", True, "反馈编号", "编号", "id"),
        _c("date", "date", True, "日期", "反馈日期"),
        _c("product", "str", True, "产品"),
        _c("channel", "str", False, "渠道", "来源"),
        _c("nps", "float", False, "推荐度", "nps评分"),
        _c("csat", "float", False, "满意度", "csat评分"),
        _c("ces", "float", False, "费力度", "ces评分"),
        _c("text", "str", False, "内容", "评论", "反馈内容"),
        _c("lang", "str", False, "语言"),
        _c("status", "str", False, "状态", "处理状态"),
        _c("resolved_date", "date", False, "解决日期", "关闭日期"),
    ),
    optional_file=True,
    key=("feedback_id",),
)

REVIEWS = Table(
    "reviews",
    (
        _c("period", "period", True, "周期", "考核周期"),
        _c("pm_id", "str", True, "产品经理编号", "被评人"),
        _c("dimension", "str", True, "维度", "考核维度"),
        _c("rater_role", "str", True, "评价人角色", "评价角色"),
        _c("score", "float", True, "评分", "分数"),
        _c("comment", "str", False, "评语", "评论"),
        _c("rater_id", "str", False, "评价人编号", "评价人"),
    ),
    optional_file=True,
)

# Things that happened in a period and explain a KPI's movement (the evidence a target needs
# before it is eased); scope is a kpi_id, a product, a team, or `company`.
EVENTS = Table(
    "events",
    (
        _c("period", "period", True, "周期", "考核周期"),
        _c("scope", "str", True, "范围", "影响范围"),
        _c("kind", "str", True, "类型", "事件类型"),
        _c("description", "str", True, "描述", "事件描述", "说明"),
    ),
    optional_file=True,
)

# The PM's own assessment and the manager's words for a period (the review conversation).
ASSESSMENTS = Table(
    "assessments",
    (
        _c("period", "period", True, "周期", "考核周期"),
        _c("pm_id", "str", True, "产品经理编号", "被评人"),
        _c("author", "str", True, "作者", "撰写人"),
        _c("text", "str", True, "内容", "评语", "自评"),
        _c("dimension", "str", False, "维度", "考核维度"),
        _c("rating", "float", False, "评级", "评分"),
    ),
    optional_file=True,
)

# In-period progress: a KPI's value on a date, with the owner's confidence and a note.
CHECKINS = Table(
    "checkins",
    (
        _c("date", "date", True, "日期", "检查日期"),
        _c("kpi_id", "str", True, "指标编号", "kpi编号"),
        _c("value", "float", True, "实际值", "数值", "当前值"),
        _c("confidence", "float", False, "信心", "信心度"),
        _c("note", "str", False, "备注", "说明"),
    ),
    optional_file=True,
    key=("date", "kpi_id"),
)

AUTHORS = ("self", "manager")
AUTHOR_ALIASES = {
    "self": "self",
    "manager": "manager",
    "自评": "self",
    "本人": "self",
    "经理": "manager",
    "上级": "manager",
}

TABLES: dict[str, Table] = {
    t.name: t
    for t in (PEOPLE, KPIS, TARGETS, ACTUALS, FEEDBACK, REVIEWS, EVENTS, ASSESSMENTS, CHECKINS)
}

# Value ranges of numeric survey columns (inclusive).
RANGES = {
    ("feedback", "nps"): (0, 10),
    ("feedback", "csat"): (1, 5),
    ("feedback", "ces"): (1, 7),
    ("reviews", "score"): (1, 5),
    ("assessments", "rating"): (1, 5),
    ("checkins", "confidence"): (1, 5),
}
DIRECTIONS = ("higher", "lower")
EVENT_KINDS = ("market", "organisation", "data_definition", "other")
EVENT_KIND_ALIASES = {
    "市场": "market",
    "市场变化": "market",
    "组织": "organisation",
    "组织调整": "organisation",
    "organization": "organisation",
    "数据口径": "data_definition",
    "口径变化": "data_definition",
    "其他": "other",
}
COMPANY_SCOPE = ("company", "公司", "全公司")
DIRECTION_ALIASES = {
    "higher": "higher",
    "lower": "lower",
    "越高越好": "higher",
    "越低越好": "lower",
    "高": "higher",
    "低": "lower",
}

ROW = "_row"  # spreadsheet row number kept on every loaded table (header = row 1)

# The ten dimensions of a PM's KPIs: key -> (Chinese name, English name). The Chinese names are
# also accepted in the dimension column; reports take their labels from here.
DIMENSION_NAMES: dict[str, tuple[str, str]] = {
    "strategy_alignment": ("战略一致性", "Strategic alignment"),
    "delivery": ("产品上线与交付", "Launch and delivery"),
    "user_growth": ("用户增长", "User growth"),
    "customer_satisfaction": ("客户满意度与反馈", "Customer satisfaction and feedback"),
    "collaboration": ("团队协作与沟通", "Collaboration and communication"),
    "innovation": ("创新能力与市场敏感度", "Innovation and market sense"),
    "data_decision": ("数据分析与决策", "Data analysis and decisions"),
    "risk": ("风险管理与应对", "Risk management"),
    "resource": ("资源管理与优化", "Resource management"),
    "performance_feedback": ("绩效评估与反馈", "Performance review and feedback"),
}
DIMENSIONS: tuple[str, ...] = tuple(DIMENSION_NAMES)
DIMENSION_ALIASES: dict[str, str] = {zh: key for key, (zh, _) in DIMENSION_NAMES.items()}
