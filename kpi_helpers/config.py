"""Paths and constants shared by every module: project root, default folders, dimension keys."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
DEFAULT_DATA_DIR = Path("data")
DEFAULT_REPORTS_DIR = Path("reports")
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"

DIMENSIONS: tuple[str, ...] = (
    "strategy_alignment",
    "delivery",
    "user_growth",
    "customer_satisfaction",
    "collaboration",
    "innovation",
    "data_decision",
    "risk",
    "resource",
    "performance_feedback",
)

DIMENSION_NAMES_ZH = {
    "strategy_alignment": "战略一致性",
    "delivery": "产品上线与交付",
    "user_growth": "用户增长",
    "customer_satisfaction": "客户满意度与反馈",
    "collaboration": "团队协作与沟通",
    "innovation": "创新能力与市场敏感度",
    "data_decision": "数据分析与决策",
    "risk": "风险管理与应对",
    "resource": "资源管理与优化",
    "performance_feedback": "绩效评估与反馈",
}
