"""Distinct texts and their hashes made once per analysis (feedback.distinct), the cache keys
made from one hash of each text."""

import numpy as np
import pandas as pd

from kpi_helpers.config import CACHE_DIR_ENV
from kpi_helpers.feedback import cache, distinct


def texts(values) -> pd.Series:
    return pd.Series(values, dtype=pd.StringDtype("pyarrow"))


def test_distinct_texts_codes_and_missing_texts():
    d = distinct.distinct(texts(["好评", None, "slow", "好评", "slow"]))
    assert d.codes.tolist() == [0, -1, 1, 0, 1]
    assert d.uniques.tolist() == ["好评", "slow"]
    assert d.rows(d.codes >= 0).codes.tolist() == [0, 1, 0, 1]


def test_numbers_in_a_text_column_are_hashed_as_their_text():
    d = distinct.distinct(pd.Series([5, "5", None], dtype=object))
    assert d.uniques.tolist() == ["5", "5"] and d.keys[0] == d.keys[1]


def test_one_analysis_factorises_a_column_once_and_a_changed_column_again(monkeypatch):
    calls = []
    real = pd.factorize
    monkeypatch.setattr(pd, "factorize", lambda *a, **k: calls.append(1) or real(*a, **k))
    frame = pd.DataFrame({"text": texts(["a", "b", "a"]), "n": [1, 2, 3]})
    with distinct.one_analysis():
        first = distinct.distinct(frame["text"])
        again = distinct.distinct(frame.assign(m=1)[["text", "m"]]["text"])  # the same data
        assert again is first and len(calls) == 1
        frame.loc[1, "text"] = "a"  # changed: other Arrow data, factorised again
        changed = distinct.distinct(frame["text"])
        assert len(calls) == 2 and changed.codes.tolist() == [0, 0, 0]
    assert distinct._memo is None
    distinct.distinct(frame["text"])  # outside an analysis nothing is remembered
    distinct.distinct(frame["text"])
    assert len(calls) == 4


def test_salted_keys_are_the_text_hash_mixed_with_the_salt():
    values = np.array(["送餐太慢", "great app", "送餐太慢", ""], dtype=object)
    plain = cache.text_keys(values)
    expected = pd.util.hash_pandas_object(pd.Series(values), index=False, categorize=False)
    assert (plain == expected.to_numpy(np.uint64)).all()  # unsalted: the hash as before
    themed = cache.text_keys(values, salt="themes")
    assert (themed == cache.salted(plain, "themes")).all()
    assert themed[0] == themed[2] and len(set(themed.tolist())) == 3
    assert not set(themed.tolist()) & set(plain.tolist())
    assert not set(themed.tolist()) & set(cache.text_keys(values, salt="sentiment:auto").tolist())
    d = distinct.distinct(pd.Series(values))
    assert (d.salted("themes")[d.codes] == themed).all()


def test_themes_in_one_analysis_are_those_of_separate_steps(monkeypatch):
    from kpi_helpers.feedback.metrics import with_sentiment
    from kpi_helpers.feedback.themes import themes

    monkeypatch.setenv(CACHE_DIR_ENV, "off")
    values = (
        [f"第{i}次打开app就闪退，太差了" for i in range(30)]
        + [f"delivery {i} was late again" for i in range(30)]
        + [None] * 5
        + ["味道不错，包装也好"] * 20
    )
    frame = pd.DataFrame({"text": texts(values), "date": pd.Timestamp("2026-01-05")})
    apart = themes(with_sentiment(frame), top=5)
    with distinct.one_analysis():
        together = themes(with_sentiment(frame), top=5)
    pd.testing.assert_frame_equal(apart, together)
    crash = together.set_index("key").loc["crash"]
    assert crash["n"] == 30 and crash["langs"] == {"zh": 30}
