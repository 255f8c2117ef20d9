"""Per-comment feedback results remembered across runs: same analysis with and without the cache,
only new or changed comments computed again, damaged or stale files rebuilt with a warning."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest

from kpi_helpers.config import CACHE_DIR_ENV, PROJECT_ROOT
from kpi_helpers.feedback import cache, metrics
from kpi_helpers.feedback.ingest import load_feedback
from kpi_helpers.feedback.metrics import add_period, feedback_tables, with_sentiment
from kpi_helpers.feedback.themes import assign_themes, load_keywords, row_themes, themes

SAMPLE = PROJECT_ROOT / "data"
GROUPINGS = {"overall": [], "by_period": ["period"], "by_product": ["period", "product"]}


@pytest.fixture(scope="module")
def sample() -> tuple[pd.DataFrame, list[dict]]:
    df, _ = load_feedback(SAMPLE / "feedback.csv")
    return df, load_keywords(SAMPLE / "keywords.yaml")


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(folder))
    cache._memo.clear()
    return folder


@pytest.fixture
def scored_texts(monkeypatch) -> list[int]:
    """How many texts the sentiment model scored, per call."""
    calls: list[int] = []
    real = metrics.score_texts

    def counting(texts, *args, **kwargs):
        calls.append(len(texts))
        return real(texts, *args, **kwargs)

    monkeypatch.setattr(metrics, "score_texts", counting)
    return calls


def analyse(df: pd.DataFrame, keywords: list[dict]) -> dict:
    """What the feedback command and report compute: rows, metric tables, themes per comment."""
    rows = add_period(with_sentiment(df))
    texts = rows[rows["text"].notna()].reset_index(drop=True)
    defs, matrix = assign_themes(texts, keywords)
    return {
        "rows": rows,
        "tables": feedback_tables(rows, GROUPINGS),
        "row_themes": row_themes(defs, matrix),
        "themes": themes(rows, keywords),
    }


def assert_same(a: dict, b: dict) -> None:
    pd.testing.assert_frame_equal(a["rows"], b["rows"])
    for name in GROUPINGS:
        pd.testing.assert_frame_equal(a["tables"][name], b["tables"][name])
    assert a["row_themes"] == b["row_themes"]
    pd.testing.assert_frame_equal(a["themes"], b["themes"])


def test_the_analysis_is_the_same_with_and_without_the_cache(sample, cache_dir, monkeypatch):
    df, keywords = sample
    cold = analyse(df, keywords)
    assert sorted(p.name.split("-")[0] for p in cache_dir.glob("*.parquet")) == [
        "sentiment",
        "themes",
        "words_zh",
    ]
    warm = analyse(df, keywords)
    assert cache.last_run["sentiment"]["computed"] == 0
    assert cache.last_run["themes"]["computed"] == 0
    assert cache.last_run["words_zh"]["computed"] == 0  # Chinese segmentation for discovery
    assert cache.last_run["words_zh"]["cached"] > 100
    monkeypatch.setenv(CACHE_DIR_ENV, "off")
    plain = analyse(df, keywords)
    assert_same(cold, plain)
    assert_same(warm, plain)
    assert (plain["rows"]["sentiment"].notna()).sum() > 1000  # the sample really has comments
    assert any(plain["row_themes"])


def test_off_writes_no_file(sample, tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_DIR_ENV, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    with_sentiment(sample[0].head(50))
    assert list(tmp_path.rglob("*.parquet")) == []


def test_default_folder_is_the_user_cache_folder(tmp_path, monkeypatch):
    monkeypatch.delenv(CACHE_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_dir() == tmp_path / "xdg" / "kpi-workbook"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / ".cache" / "kpi-workbook"


def test_a_second_run_scores_only_new_or_changed_comments(
    sample, cache_dir, scored_texts, monkeypatch
):
    df, keywords = sample
    with_sentiment(df)
    distinct = df["text"].dropna().nunique()
    assert scored_texts == [distinct]
    changed = df.copy()
    rows = changed.index[changed["text"].notna()][:7]
    changed.loc[rows, "text"] = [f"第{i}次下单，送餐太慢了，客服也不回复" for i in range(7)]
    extra = changed.head(3).assign(text=["Brand new comment one", "another new one", "和第三条"])
    changed = pd.concat([changed, extra], ignore_index=True)
    again = with_sentiment(changed)
    assert scored_texts == [distinct, 10]
    assert cache.last_run["sentiment"] == {"cached": changed["text"].nunique() - 10, "computed": 10}
    assert (again.loc[rows, "sentiment"] == "negative").all()
    texts = changed[changed["text"].notna()].reset_index(drop=True)
    assign_themes(texts.head(len(texts) - 3), keywords)
    assign_themes(texts, keywords)
    assert cache.last_run["themes"]["computed"] == 3
    monkeypatch.setenv(CACHE_DIR_ENV, "off")
    pd.testing.assert_frame_equal(again, with_sentiment(changed))


@pytest.mark.parametrize("damage", ["garbage", "columns", "duplicates"])
def test_a_damaged_cache_file_is_rebuilt_with_a_warning(sample, cache_dir, caplog, damage):
    df = sample[0].head(400)
    expected = with_sentiment(df)
    (path,) = cache_dir.glob("sentiment-*.parquet")
    if damage == "garbage":
        path.write_bytes(b"\x00not parquet at all\xff" * 50)
    else:
        frame = pd.read_parquet(path)
        import pyarrow as pa
        import pyarrow.parquet as pq

        if damage == "columns":
            frame = frame.rename(columns={"sentiment_score": "score"})
        else:
            frame = pd.concat([frame, frame.head(2)], ignore_index=True)
        version = pq.read_schema(path).metadata[cache.VERSION_META]
        table = pa.Table.from_pandas(frame, preserve_index=False)
        pq.write_table(table.replace_schema_metadata({cache.VERSION_META: version}), path)
    cache._memo.clear()
    with caplog.at_level(logging.WARNING, logger="kpi_helpers.feedback.cache"):
        rebuilt = with_sentiment(df)
    assert "not usable" in caplog.text and path.name in caplog.text
    assert cache.last_run["sentiment"]["cached"] == 0
    pd.testing.assert_frame_equal(rebuilt, expected)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="kpi_helpers.feedback.cache"):
        with_sentiment(df)  # the rebuilt file is whole again
    assert cache.last_run["sentiment"]["computed"] == 0
    assert caplog.text == ""


def test_a_changed_model_version_invalidates(sample, cache_dir, monkeypatch, scored_texts):
    df = sample[0].head(300)
    with_sentiment(df)
    monkeypatch.setattr(cache, "sentiment_version", lambda: "another-model-0001")
    with_sentiment(df)
    distinct = df["text"].dropna().nunique()
    assert scored_texts == [distinct, distinct]
    assert len(list(cache_dir.glob("sentiment-*.parquet"))) == 2


def test_a_file_of_another_version_is_not_trusted(sample, cache_dir, monkeypatch, caplog):
    df = sample[0].head(300)
    with_sentiment(df)
    (path,) = cache_dir.glob("sentiment-*.parquet")
    monkeypatch.setattr(cache, "sentiment_version", lambda: path.stem.split("-")[1] + "x")
    with caplog.at_level(logging.WARNING, logger="kpi_helpers.feedback.cache"):
        with_sentiment(df)
    assert "another model or theme catalogue" in caplog.text
    assert cache.last_run["sentiment"]["cached"] == 0


def test_changed_company_keywords_invalidate_the_themes(sample, cache_dir):
    df, keywords = sample
    texts = add_period(with_sentiment(df)).dropna(subset=["text"]).reset_index(drop=True)
    assign_themes(texts, keywords)
    assign_themes(texts, keywords)
    assert cache.last_run["themes"]["computed"] == 0
    more = [dict(k, keywords=[*k["keywords"], "zzqx"]) for k in keywords]
    assign_themes(texts, more)
    assert cache.last_run["themes"]["cached"] == 0
    assert cache.last_run["themes"]["computed"] == texts["text"].nunique()


def test_an_unwritable_cache_folder_only_warns(sample, tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(CACHE_DIR_ENV, str(blocker))
    df = sample[0].head(200)
    with caplog.at_level(logging.WARNING, logger="kpi_helpers.feedback.cache"):
        out = with_sentiment(df)
    assert "could not be written" in caplog.text
    monkeypatch.setenv(CACHE_DIR_ENV, "off")
    pd.testing.assert_frame_equal(out, with_sentiment(df))


def _score_in_a_process(folder: str, start: int) -> int:
    import os

    os.environ[CACHE_DIR_ENV] = folder
    texts = pd.DataFrame(
        {"text": [f"第{i}单送餐很快，味道不错" for i in range(start, start + 3000)]}
    )
    with_sentiment(texts)
    return cache.last_run["sentiment"]["computed"]


def test_concurrent_runs_leave_a_whole_file(tmp_path, caplog):
    from concurrent.futures import ProcessPoolExecutor

    folder = str(tmp_path / "shared")
    with ProcessPoolExecutor(2) as pool:
        done = list(pool.map(_score_in_a_process, [folder] * 6, range(0, 6000, 1000)))
    assert all(n > 0 for n in done)
    assert not list((tmp_path / "shared").glob("*.tmp"))
    (path,) = (tmp_path / "shared").glob("sentiment-*.parquet")
    frame = pd.read_parquet(path)  # whole: readable, keys unique
    assert frame["key"].is_unique and len(frame) >= 3000


def test_a_damaged_themes_file_is_rebuilt_with_a_warning(sample, cache_dir, caplog):
    df, keywords = sample
    texts = with_sentiment(df).dropna(subset=["text"]).reset_index(drop=True)
    defs, matrix = assign_themes(texts, keywords)
    expected = row_themes(defs, matrix)
    for path in cache_dir.glob("*.parquet"):
        if not path.name.startswith("sentiment-"):
            path.write_bytes(b"PAR1" + b"\x07" * 300)
    cache._memo.clear()
    with caplog.at_level(logging.WARNING, logger="kpi_helpers.feedback.cache"):
        defs, matrix = assign_themes(texts, keywords)
    assert caplog.text.count("is not usable") == 2  # catalogue themes and segmentation
    assert row_themes(defs, matrix) == expected
