"""The `feedback` and `sentiment` commands as a user calls them: exit codes, JSON, files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from kpi_helpers.cli.parser import main
from kpi_helpers.feedback.themes import stopwords

ROOT = Path(__file__).resolve().parents[1]
REALDATA = Path(__file__).resolve().parents[2] / "shared/realdata"
WAIMAI = REALDATA / "zh_waimai_10k_reviews.csv"
FEEDBACK = ROOT / "data" / "feedback.csv"
needs_realdata = pytest.mark.skipif(not WAIMAI.exists(), reason="shared/realdata is absent")
needs_sample = pytest.mark.skipif(not FEEDBACK.exists(), reason="data/feedback.csv is absent")

SMALL = """feedback_id,date,product,channel,nps,csat,ces,text,lang,status,resolved_date
F1,2026-01-05,App,store,10,5,2,送餐很快，味道很好,zh,closed,2026-01-08
F2,2026-01-06,App,survey,3,2,6,老是闪退，客服也不回复,zh,open,
F3,2026-04-07,Web,survey,9,4,3,Great app &amp; fast sync,en,,
F4,2026-04-08,Web,store,0,1,7,   ,en,,
"""


def run_json(capsys, *argv) -> tuple[int, dict, str]:
    code = main(["feedback", *argv, "--format", "json"])
    out = capsys.readouterr()
    return code, (json.loads(out.out) if code == 0 else {}), out.err


def check_shape(o: dict) -> None:
    for key in ("n", "nps", "nps_ci", "csat", "csat_ci", "ces", "sentiment"):
        assert key in o
    assert set(o["sentiment"]) == {"positive", "neutral", "negative"}
    for v in o["sentiment"].values():
        assert v is None or 0 <= v <= 1
    if o["nps"] is not None:
        lo, hi = o["nps_ci"]
        assert -100 <= lo <= o["nps"] <= hi <= 100
    if o["csat"] is not None:
        lo, hi = o["csat_ci"]
        assert 0 <= lo <= o["csat"] <= hi <= 1


def test_feedback_json_on_a_small_export(tmp_path, capsys):
    path = tmp_path / "fb.csv"
    path.write_text(SMALL, encoding="utf-8")
    code, res, err = run_json(capsys, "--input", str(path))
    assert code == 0
    o = res["overall"]
    check_shape(o)
    assert o["n"] == 4 and o["nps"] == 0.0  # 2 promoters, 2 detractors
    assert o["csat"] == 0.5 and o["ces"] == 4.5
    assert sum(o["sentiment"].values()) == pytest.approx(1.0)
    assert [p["period"] for p in res["by_period"]] == ["2026-Q1", "2026-Q2"]
    assert res["by_period"][1]["prev_period"] == "2026-Q1"
    assert {p["product"] for p in res["by_product"]} == {"App", "Web"}
    assert res["overall"]["resolved_14d"] == 0.5
    assert "1 row has an empty text" in err


def test_feedback_table_output(tmp_path, capsys):
    path = tmp_path / "fb.csv"
    path.write_text(SMALL, encoding="utf-8")
    assert main(["feedback", "--input", str(path)]) == 0
    out = capsys.readouterr().out
    assert "4 feedback rows" in out and "By period" in out and "2026-Q2" in out


def test_feedback_errors_are_sentences(tmp_path, capsys):
    assert main(["feedback", "--input", str(tmp_path / "none.csv")]) == 1
    err = capsys.readouterr().err
    assert "none.csv" in err and "Traceback" not in err
    path = tmp_path / "r.csv"
    path.write_text("label,review\n1,好吃\n", encoding="utf-8")
    assert main(["feedback", "--input", str(path)]) == 1
    assert "--mapping labelled_reviews or reviews" in capsys.readouterr().err
    assert main(["feedback", "--input", str(path), "--mapping", "nope"]) == 2
    assert "shipped:" in capsys.readouterr().err


@needs_realdata
def test_feedback_on_real_reviews_with_a_shipped_mapping(capsys):
    code, res, _ = run_json(capsys, "--input", str(WAIMAI), "--mapping", "labelled_reviews")
    assert code == 0
    o = res["overall"]
    check_shape(o)
    assert o["n"] == 11_987 and o["nps"] is None and o["csat"] is None
    assert o["sentiment"]["negative"] > 0.3  # about 2:1 negative
    assert [p["period"] for p in res["by_period"]] == ["all"]
    assert len(res["themes"]) >= 8
    stop = stopwords("zh")
    for t in res["themes"]:
        assert len(t["theme"]) >= 2 and t["theme"] not in stop
        assert 0 < t["share"] <= 1 and -1 <= t["sentiment"] <= 1


@needs_sample
def test_feedback_on_the_sample_company(capsys):
    code, res, _ = run_json(capsys, "--input", str(FEEDBACK))
    assert code == 0
    check_shape(res["overall"])
    assert res["overall"]["n"] > 1000
    assert len(res["by_period"]) >= 2 and len(res["by_product"]) >= 2
    for p in res["by_period"]:
        check_shape(p)
    if (FEEDBACK.parent / "keywords.yaml").exists():
        assert res["themes"][0]["source"] == "keywords"
    # themes are computed over every comment: the largest ones hold both languages
    assert all(set(t["langs"]) == {"zh", "en"} for t in res["themes"][:5])
    for t in res["themes"]:
        assert t["name_zh"] and t["name_en"] and t["key"]
        assert 0 <= t["negative_share"] <= 1 and t["n"] >= 1
        assert all(isinstance(i, str) and i.startswith("FB") for i in t["examples"])


def test_rows_out_writes_one_row_per_comment(tmp_path, capsys):
    path = tmp_path / "fb.csv"
    path.write_text(SMALL.replace("F3,", "=HYPERLINK(1),"), encoding="utf-8")
    out = tmp_path / "rows.csv"
    code, res, err = run_json(capsys, "--input", str(path), "--rows-out", str(out))
    assert code == 0 and "3 comment rows" in err
    rows = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(rows.columns) == ["feedback_id", "lang", "sentiment", "sentiment_score", "themes"]
    assert rows["feedback_id"].tolist() == ["F1", "F2", "'=HYPERLINK(1)"]  # blank F4: no comment
    assert rows["lang"].tolist() == ["zh", "zh", "en"]
    f2 = set(rows.loc[1, "themes"].split(";"))
    assert {"crash", "customer_service"} <= f2
    assert rows.loc[1, "sentiment"] == "negative"  # 老是闪退: a clear complaint
    assert float(rows.loc[1, "sentiment_score"]) < 0
    crash = next(t for t in res["themes"] if t["key"] == "crash")
    assert crash["examples"] == ["F2"] and crash["negative_share"] == 1.0
    assert crash["name_zh"] == "稳定性与闪退" and crash["name_en"] == "Stability and crashes"


def test_rows_out_into_a_missing_folder_is_one_sentence(tmp_path, capsys):
    path = tmp_path / "fb.csv"
    path.write_text(SMALL, encoding="utf-8")
    code = main(["feedback", "--input", str(path), "--rows-out", str(tmp_path / "no" / "r.csv")])
    err = capsys.readouterr().err
    assert code == 1 and "--rows-out" in err and "does not exist" in err
    assert "Traceback" not in err


def test_sentiment_labels_every_row_and_keeps_columns(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text(SMALL, encoding="utf-8")
    out = tmp_path / "out.csv"
    argv = ["sentiment", "--input", str(src), "--text-column", "text", "--output", str(out)]
    assert main(argv) == 0
    before = pd.read_csv(src, dtype=str, keep_default_na=False)
    after = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(after.columns) == list(before.columns) + ["sentiment", "sentiment_score"]
    pd.testing.assert_frame_equal(after[before.columns], before)
    assert set(after["sentiment"]) <= {"positive", "neutral", "negative"}
    assert after["sentiment"].iloc[3] == "neutral"  # blank text
    scores = after["sentiment_score"].astype(float)
    assert scores.between(-1, 1).all()
    xlsx = tmp_path / "out.xlsx"
    assert main(argv[:-1] + [str(xlsx)]) == 0
    assert len(pd.read_excel(xlsx)) == 4


def test_sentiment_refuses_bad_usage(tmp_path, capsys):
    src = tmp_path / "in.csv"
    src.write_text(SMALL, encoding="utf-8")
    base = ["sentiment", "--input", str(src)]
    assert main(base + ["--text-column", "text", "--output", str(src)]) == 2
    assert "is the input file" in capsys.readouterr().err
    assert src.read_text(encoding="utf-8") == SMALL
    assert main(base + ["--text-column", "review", "--output", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert "no column 'review'" in err and "feedback_id, date, product" in err
    assert not (tmp_path / "o.csv").exists()


@needs_realdata
def test_sentiment_on_real_reviews(tmp_path, capsys):
    out = tmp_path / "sent.csv"
    argv = ["sentiment", "--input", str(WAIMAI), "--text-column", "review"]
    assert main(argv + ["--lang", "auto", "--output", str(out)]) == 0
    rows = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(rows) == 11_987
    assert list(rows.columns) == ["label", "review", "sentiment", "sentiment_score"]
    assert rows["sentiment"].isin(["positive", "neutral", "negative"]).all()
    agree = ((rows["sentiment"] == "positive") == (rows["label"] == "1")).mean()
    assert agree > 0.6
