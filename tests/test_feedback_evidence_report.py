"""The feedback report's themes: one set of conclusions in every language, quotes that belong."""

from __future__ import annotations

import pandas as pd

from kpi_helpers.feedback.themes import themes
from kpi_helpers.report.feedback_view import example_comments, headline_themes, theme_rows
from kpi_helpers.report.narrative.feedback import comments_markdown, themes_summary


def comments() -> pd.DataFrame:
    zh = ["送餐很快，骑手很礼貌"] * 6 + ["价格太贵了"] * 3 + ["又闪退了，点开就崩溃"] * 2
    en = ["Delivery was quick, courier friendly"] * 2 + ["The app crashes on launch"] * 4
    en += ["Price is fair"] * 2
    text = zh + en
    lang = ["zh"] * len(zh) + ["en"] * len(en)
    neg = ["闪退" in t or "crash" in t or "太贵" in t for t in text]
    return pd.DataFrame(
        {
            "feedback_id": [f"C{i}" for i in range(len(text))],
            "text": text,
            "lang": lang,
            "date": pd.Timestamp("2026-05-01"),
            "sentiment": ["negative" if n else "positive" for n in neg],
            "sentiment_score": [-0.8 if n else 0.8 for n in neg],
        }
    )


def test_both_languages_rank_the_same_themes_and_the_same_most_negative():
    found = themes(comments(), top=10)
    zh, en = theme_rows(found, "zh"), theme_rows(found, "en")
    assert zh["key"].tolist() == en["key"].tolist()
    assert zh["key"].tolist()[:2] == ["delivery", "crash"]  # 8 and 6 of 19 comments
    assert headline_themes(zh)[1]["key"] == headline_themes(en)[1]["key"] == "crash"
    assert zh.set_index("key").loc["crash", "label"] == "稳定性与闪退"
    assert en.set_index("key").loc["crash", "label"] == "Stability and crashes"
    assert "Stability and crashes" in themes_summary(en, "en")
    assert "稳定性与闪退" in themes_summary(zh, "zh")
    assert en.set_index("key").loc["crash", "lang_text"] == "English 67% · Chinese 33%"


def test_quotes_in_the_readers_language_first_then_marked_others():
    found = themes(comments(), top=10)
    ex = found.set_index("key").loc["crash", "examples"]
    picked = example_comments(ex, "zh")
    assert picked[0]["lang"] == "zh" and picked[-1]["lang"] == "en"
    md = comments_markdown(theme_rows(found, "zh"), "zh")
    assert "The app crashes on launch」 (英文)" in md
    crash = md[md.index("### 稳定性与闪退") :].split("###")[1]
    assert "送餐" not in crash and "Price" not in crash  # quotes belong to their theme


def test_the_most_negative_theme_is_quoted_even_when_small():
    df = comments()
    extra = pd.DataFrame(
        {
            "feedback_id": [f"X{i}" for i in range(5)],
            "text": ["隐私权限要得太多"] * 5,
            "lang": "zh",
            "date": pd.Timestamp("2026-05-01"),
            "sentiment": "negative",
            "sentiment_score": -0.9,
        }
    )
    df = pd.concat([df, extra], ignore_index=True)
    df.loc[df["text"].str.contains("crash|闪退"), ["sentiment", "sentiment_score"]] = ["neutral", 0]
    rows = theme_rows(themes(df, top=10), "en")
    assert headline_themes(rows)[1]["key"] == "privacy"
    md = comments_markdown(rows, "en", limit=1)
    assert "### Privacy and permissions" in md
