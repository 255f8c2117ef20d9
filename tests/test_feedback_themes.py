"""Themes: readable words a PM recognises, keyword themes first, trends and examples."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kpi_helpers.errors import DataError
from kpi_helpers.feedback import load_feedback
from kpi_helpers.feedback.themes import discover, load_keywords, stopwords, themes, tokenize

REALDATA = Path(__file__).resolve().parents[2] / "shared/realdata"
WAIMAI = REALDATA / "zh_waimai_10k_reviews.csv"

KEYWORDS = [
    {
        "theme": "crash",
        "name": "闪退与故障",
        "name_en": "Crashes",
        "keywords": ["闪退", "崩溃", "crash"],
    },
    {"theme": "price", "name": "价格", "name_en": "Price", "keywords": ["价格", "太贵", "price"]},
]


def rows(texts: list[str], lang: str, date: str = "2026-02-01", score: float = 0.0):
    return pd.DataFrame(
        {
            "text": texts,
            "lang": lang,
            "date": pd.Timestamp(date),
            "sentiment_score": score,
            "sentiment": "neutral",
        }
    )


def test_tokens_are_content_words():
    zh = tokenize("这个外卖的送餐速度真的非常快，而且味道也不错！", "zh")
    assert "送餐" in zh and "味道" in zh
    assert not {"这个", "真的", "非常", "而且", "不错", "的", "也"} & set(zh)
    assert all(len(w) >= 2 for w in zh)
    en = tokenize("The battery life is really bad and it just keeps crashing.", "en")
    assert en == ["battery", "life", "crashing"]


def test_stopword_lists_ship_with_the_package():
    assert {"的", "我们", "非常", "不错"} <= stopwords("zh")
    assert {"the", "and", "really", "app"} <= stopwords("en")


def test_keyword_themes_come_first_in_both_languages():
    zh = rows(["又闪退了", "打开就崩溃", "价格太贵", "客服态度很差"] + ["客服回复太慢"] * 5, "zh")
    en = rows(["It crashes every day", "Crashed twice", "price is fine", "great"], "en")
    th = themes(pd.concat([zh, en], ignore_index=True), KEYWORDS, top=5)
    zh_th = th[th["lang"] == "zh"]
    assert zh_th["theme"].tolist()[:2] == ["闪退与故障", "价格"]
    assert zh_th["source"].tolist()[:2] == ["keywords", "keywords"]
    assert zh_th["n"].tolist()[:2] == [2, 1]
    assert zh_th["share"].iat[0] == pytest.approx(2 / 9)
    en_th = th[th["lang"] == "en"].set_index("key")
    assert en_th.loc["crash", "theme"] == "Crashes" and en_th.loc["crash", "n"] == 2
    assert en_th.loc["price", "n"] == 1


def test_english_discovery_finds_word_pairs():
    texts = (
        ["The battery life is poor"] * 6
        + ["Customer support never answers"] * 5
        + ["battery life could be longer", "sync is slow", "sync fails", "sync broke again"]
    )
    found = discover(pd.Series(texts), "en", top=5)["term"].tolist()
    assert "battery life" in found and "customer support" in found


def test_trend_between_the_last_two_periods():
    before = rows(["闪退"] * 10 + ["其他问题"] * 90, "zh", "2026-02-01")
    after = rows(["闪退"] * 40 + ["其他问题"] * 60, "zh", "2026-05-01")
    th = themes(pd.concat([before, after], ignore_index=True), KEYWORDS[:1])
    row = th.iloc[0]
    assert row["share_prev"] == pytest.approx(0.10) and row["share_latest"] == pytest.approx(0.40)
    assert row["change"] == pytest.approx(0.30) and bool(row["change_real"])
    assert row["share"] == pytest.approx(50 / 200)


def test_examples_are_distinct_theme_texts():
    texts = ["闪退了！", "闪退了", "一打开就闪退，重装也没用", "更新后闪退更频繁了"] + ["很好"] * 5
    th = themes(rows(texts, "zh"), KEYWORDS[:1])
    ex = th.iloc[0]["examples"]
    assert 1 < len(ex) <= 3 and all("闪退" in e for e in ex)
    assert not {"闪退了！", "闪退了"} <= set(ex)  # the same comment is shown once


def test_keywords_file(tmp_path):
    path = tmp_path / "keywords.yaml"
    path.write_text(
        "themes:\n  - theme: crash\n    name: 闪退\n    keywords: [闪退, crash]\n", encoding="utf-8"
    )
    kw = load_keywords(path)
    assert kw[0]["name_en"] == "闪退" and kw[0]["keywords"] == ["闪退", "crash"]
    path.write_text("themes:\n  - theme: x\n", encoding="utf-8")
    with pytest.raises(DataError, match="keywords"):
        load_keywords(path)


def test_no_text_no_themes():
    assert themes(pd.DataFrame({"nps": [1, 2]}), KEYWORDS).empty


def test_jieba_loads_silently():
    code = "from kpi_helpers.feedback.themes import tokenize; print(tokenize('送餐速度很快', 'zh'))"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert p.stderr == "" and "送餐" in p.stdout


@pytest.mark.skipif(not WAIMAI.exists(), reason="shared/realdata is not beside the project")
def test_real_chinese_reviews_give_readable_themes():
    df, _ = load_feedback(WAIMAI, "labelled_reviews")
    th = themes(df.assign(lang="zh"), top=12)
    stop = stopwords("zh")
    assert len(th) == 12
    for term in th["theme"]:
        assert len(term) >= 2, term
        assert all("\u4e00" <= ch <= "\u9fff" for ch in term), term
        assert term not in stop, term
    assert {"送餐", "味道"} <= set(th["theme"].head(5))
    for _, r in th.iterrows():
        assert 1 <= len(r["examples"]) <= 3
        assert all(r["theme"] in e for e in r["examples"])
