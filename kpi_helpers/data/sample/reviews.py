"""The sample's 360-degree reviews (reviews.csv): every PM, period and behavioural dimension."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kpi_helpers.data.sample.conversation import rater_id
from kpi_helpers.data.sample.kpis import PERIODS
from kpi_helpers.data.sample.strategy import PEOPLE
from kpi_helpers.data.sample.writing import csv_text

DIMENSIONS = ("collaboration", "performance_feedback", "data_decision")
RATERS = (
    ("manager", 1, -0.1),
    ("peer", 3, 0.0),
    ("cross_team", 2, -0.05),
    ("self", 1, 0.4),
)  # role, count, bias

# Each PM's typical rating per period (1-5); PM02 improves, PM03 excels, PM05 slides.
LEVELS = {
    "PM01": (3.9, 3.9, 4.0, 3.9, 3.6, 3.8, 3.9),
    "PM02": (3.2, 3.4, 3.55, 3.7, 3.85, 4.0, 4.15),
    "PM03": (4.45, 4.5, 4.55, 4.6, 4.7, 4.75, 4.8),
    "PM04": (3.8, 3.8, 3.85, 3.8, 3.9, 3.85, 3.9),
    "PM05": (3.9, 3.8, 3.5, 3.2, 2.9, 2.5, 2.3),
    "PM06": (3.85, 3.9, 3.9, 3.95, 3.9, 3.95, 4.0),
}
SPREAD = {"PM03": 0.4}
DEFAULT_SPREAD = 0.55

COMMENTS = {
    "collaboration": {
        "zh": {
            "high": ("跨团队沟通主动，需求评审准备充分", "遇到分歧能拉齐各方，推进很顺", "和研发、设计配合默契，信息同步及时",
                     "主动帮助其他团队解决依赖问题"),
            "mid": ("沟通基本顺畅，偶尔信息同步不及时", "跨部门协作还可以，排期冲突时可以更早沟通", "会议效率有提升空间"),
            "low": ("需求频繁变更，研发很被动", "和运营团队沟通不够，多次临时改方案", "跨团队依赖经常延误，缺少提前预警"),
        },
        "en": {
            "high": ("Brings partner teams in early; great to work with.", "Resolves disagreements quickly and keeps everyone aligned.",
                     "Clear specs and timely updates to engineering and design."),
            "mid": ("Communication is fine, updates sometimes come late.", "Could flag schedule conflicts to other teams earlier."),
            "low": ("Frequent late changes leave engineering scrambling.", "Dependencies with our team slipped several times without warning."),
        },
    },
    "performance_feedback": {
        "zh": {
            "high": ("每个项目都按时复盘，改进项跟进到位", "对自己的问题很坦诚，改进速度快", "复盘结论清楚，下一季度就落地了"),
            "mid": ("复盘有做，但改进项跟进不够", "能接受反馈，落实还需要更快一些"),
            "low": ("复盘经常延期或取消", "同样的问题连续两个季度出现", "改进计划没有落实"),
        },
        "en": {
            "high": ("Runs retrospectives on schedule and closes the actions.", "Open about mistakes and improves fast."),
            "mid": ("Holds retrospectives but follow-up on actions is patchy.",),
            "low": ("Retrospectives keep getting postponed.", "The same issues came back two quarters in a row."),
        },
    },
    "data_decision": {
        "zh": {
            "high": ("决策有数据支撑，A/B实验设计规范", "分析报告质量高，结论可落地", "善于用数据说服团队"),
            "mid": ("会看数据，但结论有时过于乐观", "实验数量可以再多一些"),
            "low": ("较多凭经验拍板，缺少数据验证", "指标口径不清楚，分析结论难以复用"),
        },
        "en": {
            "high": ("Decisions backed by solid analysis and well-designed A/B tests.", "Great at using data to align the team."),
            "mid": ("Uses data, but conclusions are sometimes optimistic.",),
            "low": ("Many decisions on gut feeling, little validation.",),
        },
    },
}  # fmt: skip


@dataclass(frozen=True)
class Review:
    period: str
    pm_id: str
    dimension: str
    rater_role: str
    score: int
    comment: str
    rater_id: str = ""


def _comment(rng: np.random.Generator, dimension: str, score: int) -> str:
    if rng.random() < 0.3:
        return ""
    lang = "zh" if rng.random() < 0.8 else "en"
    level = "high" if score >= 4 else "mid" if score == 3 else "low"
    options = COMMENTS[dimension][lang][level]
    return options[int(rng.integers(len(options)))]


def generate_reviews(rng: np.random.Generator) -> list[Review]:
    """One row per period, PM, dimension and rater; integer scores 1-5 around the PM's level."""
    out = []
    for i, period in enumerate(PERIODS):
        for p, person in enumerate(PEOPLE):
            for d, dimension in enumerate(DIMENSIONS):
                level = LEVELS[person.pm_id][i] + (0.1, 0.0, -0.1)[d]
                spread = SPREAD.get(person.pm_id, DEFAULT_SPREAD)
                for role, count, bias in RATERS:
                    for slot in range(count):
                        raw = level + bias + rng.normal(0.0, spread)
                        score = int(min(5, max(1, np.floor(raw + 0.5))))
                        out.append(
                            Review(
                                period,
                                person.pm_id,
                                dimension,
                                role,
                                score,
                                _comment(rng, dimension, score),
                                rater_id(role, p, i, slot),
                            )
                        )
    return out


def reviews_csv(rows: list[Review]) -> str:
    return csv_text(
        ["period", "pm_id", "dimension", "rater_role", "score", "comment", "rater_id"],
        [
            [r.period, r.pm_id, r.dimension, r.rater_role, str(r.score), r.comment, r.rater_id]
            for r in rows
        ],
    )


def review_mean(rows: list[Review], period: str, pm_id: str, dimension: str) -> float | None:
    """Mean score of every rater, as kpi_helpers.derive computes reviews.<dimension>."""
    s = [
        r.score
        for r in rows
        if r.period == period and r.pm_id == pm_id and r.dimension == dimension
    ]
    return sum(s) / len(s) if s else None
