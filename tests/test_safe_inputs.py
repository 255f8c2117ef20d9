"""Hostile or broken input files: bombs, special files, symlinks, NUL bytes, unsafe ids.

Every command here runs in a subprocess whose memory is capped with resource.setrlimit, so a
file that the product parsed blindly would kill it; each must end within seconds with one
sentence and exit code 1.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from kpi_helpers.cli.parser import main

ROOT = Path(__file__).resolve().parents[1]
# Address space, not resident memory: the imported libraries reserve some 1.6 GB of it while
# using about 160 MB, so this leaves under 1 GB to use: far too little for any of the bombs.
MEMORY_CAP = 2_500_000_000

CAPPED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
from kpi_helpers.cli.parser import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture
def tiny_data(tiny_data: Path) -> Path:
    """These tests read the English sentences: the example company with `language: en`."""
    yaml = tiny_data / "company.yaml"
    yaml.write_text(
        yaml.read_text(encoding="utf-8").replace("language: zh", "language: en"), encoding="utf-8"
    )
    return tiny_data


def capped(*argv, env: dict | None = None, timeout: float = 60) -> tuple[int, str, float]:
    """Run kpi-workbook under the memory cap: (exit code, stderr + stdout, seconds)."""
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CAPPED.format(cap=MEMORY_CAP), *map(str, argv)],
        capture_output=True,
        text=True,
        env=environ,
        timeout=timeout,
        cwd=ROOT,
    )
    return done.returncode, done.stderr + done.stdout, time.perf_counter() - start


def no_traceback(said: str) -> None:
    assert "Traceback" not in said and "MemoryError" not in said and "bad_alloc" not in said


def _xlsx_bomb(path: Path, rows: int) -> None:
    """A valid-looking workbook whose sheet has `rows` x 10 cells and compresses to little."""
    row = "".join('<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(10))
    sheet_head = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"/>',
        )
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(sheet_head.encode())
            block = ("<row>" + row + "</row>").encode() * 10_000
            for _ in range(rows // 10_000):
                f.write(block)
            f.write(b"</sheetData></worksheet>")


def test_an_xlsx_zip_bomb_is_refused_before_parsing(tiny_data):
    (tiny_data / "actuals.csv").unlink()
    bomb = tiny_data / "actuals.xlsx"
    _xlsx_bomb(bomb, 400_000)  # 4 million cells, about 150 MB unpacked
    assert bomb.stat().st_size < 2_000_000
    code, said, seconds = capped("validate", "--data", tiny_data)
    assert code == 1 and seconds < 30, said
    assert "actuals.xlsx:: -: has more than 3,000,000 cells, over the limit" in said
    no_traceback(said)
    code, said, _ = capped(
        "validate", "--data", tiny_data, env={"KPI_WORKBOOK_MAX_XLSX_UNPACKED_MB": "50"}
    )
    assert code == 1 and "unpacks to 15" in said and "over the limit of 50 MB" in said, said


BILLION_LAUGHS = """
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
company: x
cadence: quarter
objectives: *i
"""


def test_a_yaml_alias_bomb_and_deep_nesting_are_one_sentence(tiny_data, tmp_path):
    company = tiny_data / "company.yaml"
    company.write_text(BILLION_LAUGHS, encoding="utf-8")
    code, said, seconds = capped("validate", "--data", tiny_data)
    assert code == 1 and seconds < 30, said
    assert "expands (through & anchors and * aliases) to more than 100,000 values" in said
    no_traceback(said)
    company.write_text("company: x\nobjectives: " + "[" * 3000 + "]" * 3000 + "\n")
    code, said, _ = capped("validate", "--data", tiny_data)
    assert code == 1 and "company.yaml:2: -: nests more than 64 levels deep" in said, said
    assert "RecursionError" not in said and said.count("\n") < 5
    keywords = tmp_path / "keywords.yaml"
    keywords.write_text(BILLION_LAUGHS.replace("objectives", "themes"), encoding="utf-8")
    code, said, _ = capped(
        "feedback", "--input", tiny_data / "feedback.csv", "--keywords", keywords
    )
    assert code == 1 and "keywords.yaml" in said and "more than 100,000 values" in said, said
    no_traceback(said)


def test_special_files_are_refused_before_opening(tiny_data):
    feedback = tiny_data / "feedback.csv"
    feedback.unlink()
    feedback.symlink_to("/dev/zero")
    actuals = tiny_data / "actuals.csv"
    actuals.unlink()
    os.mkfifo(actuals)  # a reader that opened it would wait forever
    code, said, seconds = capped("validate", "--data", tiny_data, timeout=30)
    assert code == 1 and seconds < 30, said
    assert "actuals.csv:: -: is a named pipe (FIFO), not a regular file" in said
    assert "feedback.csv:: -: is a symbolic link to /dev/zero, outside the data folder" in said
    code, said, _ = capped("validate", "--data", tiny_data, "--follow-symlinks", timeout=30)
    assert "feedback.csv:: -: is a character device, not a regular file" in said, said
    no_traceback(said)


def test_size_limits_refuse_before_reading(tiny_data):
    nuls = tiny_data / "reviews.csv"
    with open(nuls, "wb") as f:  # a sparse file: 3 GB of NULs, no disk used
        f.truncate(3_000_000_000)
    code, said, seconds = capped("validate", "--data", tiny_data)
    assert code == 1 and seconds < 30, said
    assert (
        "reviews.csv:: -: is 3,000 MB, over the limit of 50 MB for this file; split it or "
        "raise the limit (set KPI_WORKBOOK_MAX_FILE_MB to a number of MB)"
    ) in said
    nuls.unlink()
    code, said, _ = capped(
        "validate", "--data", tiny_data, env={"KPI_WORKBOOK_MAX_YAML_MB": "0.001"}
    )
    size = (tiny_data / "company.yaml").stat().st_size
    assert f"company.yaml:: -: is {size:,} bytes, over the limit of 1,000 bytes" in said, said
    assert "(set KPI_WORKBOOK_MAX_YAML_MB to a number of MB)" in said
    code, said, _ = capped("validate", "--data", tiny_data, env={"KPI_WORKBOOK_MAX_ROWS": "5"})
    assert "actuals.csv:: -: has more than 5 rows, over the limit" in said, said


def test_symlinks_leaving_the_folder_need_follow_symlinks(tiny_data, tmp_path, capsys):
    outside = tmp_path / "elsewhere.csv"
    (tiny_data / "kpis.csv").rename(outside)
    (tiny_data / "kpis.csv").symlink_to(outside)
    assert main(["validate", "--data", str(tiny_data)]) == 1
    said = capsys.readouterr()
    assert f"kpis.csv:: -: is a symbolic link to {outside}, outside the data folder" in said.out
    assert main(["validate", "--data", str(tiny_data), "--follow-symlinks"]) == 0
    os.environ.pop("KPI_WORKBOOK_FOLLOW_SYMLINKS", None)
    inside = tiny_data / "people_copy.csv"
    (tiny_data / "people.csv").rename(inside)
    (tiny_data / "people.csv").symlink_to(inside)  # a link within the folder is fine
    (tiny_data / "kpis.csv").unlink()
    outside.rename(tiny_data / "kpis.csv")
    assert main(["validate", "--data", str(tiny_data)]) == 0


def test_nul_bytes_anywhere_are_refused(tiny_data, capsys):
    actuals = tiny_data / "actuals.csv"
    data = actuals.read_bytes()
    padding = b"".join(b"2026-Q2,K01,1,%s\n" % (b"n" * 80) for _ in range(120))
    actuals.write_bytes(data + padding + b"2026-Q2,K02,\x00\x00,\n")
    assert main(["validate", "--data", str(tiny_data)]) == 1
    out = capsys.readouterr().out
    assert "actuals.csv:: -: holds a NUL byte (line 134 of the file)" in out


def test_terminal_escapes_in_cells_are_shown_escaped(tiny_data, edit_file, capsys):
    edit_file("actuals.csv", "2026-Q1,K01,10400,", "2026-Q1,K01,\x1b[2J10400,")
    assert main(["validate", "--data", str(tiny_data)]) == 1
    out = capsys.readouterr().out
    assert "'\\x1b[2J10400' is not a number" in out and "\x1b" not in out


def test_unsafe_ids_are_errors_and_formula_ids_warnings(tiny_data, capsys):
    people = tiny_data / "people.csv"
    long_id = "p" * 300
    text = people.read_text(encoding="utf-8-sig")
    people.write_text(text + f"{long_id},Long\n../../etc,Path\n", encoding="utf-8")
    feedback = tiny_data / "feedback.csv"
    rows = feedback.read_text(encoding="utf-8-sig")
    feedback.write_text(rows.replace("F0002,", "@SUM(A1),", 1), encoding="utf-8")
    assert main(["validate", "--data", str(tiny_data)]) == 1
    out = capsys.readouterr().out
    allowed = (
        "ids may use letters, digits, '_', '-' and '.', start with a letter or digit and have "
        "at most 64 characters"
    )
    assert (
        f"people.csv:4: pm_id: '{'p' * 40}...' is 300 characters long (at most 64); {allowed}"
        in out
    )
    assert f"people.csv:5: pm_id: '../../etc' holds characters an id cannot have; {allowed}" in out
    assert "feedback.csv:3: feedback_id: warning: '@SUM(A1)' starts with '@'" in out


def test_non_finite_objective_weights_are_errors(tiny_data, edit_file, capsys):
    edit_file("company.yaml", "weight: 60", "weight: .inf")
    edit_file("company.yaml", "weight: 40", "weight: .nan")
    assert main(["validate", "--data", str(tiny_data)]) == 1
    out = capsys.readouterr().out
    lines = (tiny_data / "company.yaml").read_text(encoding="utf-8").splitlines()
    # a value of company.yaml is reported on the line of the mapping that holds it
    inf, nan = (lines.index(f"  - id: {o}") + 1 for o in ("O1", "O2"))
    assert f"company.yaml:{inf}: weight: 'inf' is not a finite number; write a plain number" in out
    assert f"company.yaml:{nan}: weight: 'nan' is not a finite number" in out


@pytest.mark.parametrize(
    ("cell", "warned", "counted"),
    [("★★★★☆", "is a star rating", 1), ("5星", "is a star rating", 1), ("9.5", "not a whole", 0)],
)
def test_star_ratings_and_half_points_mapped_to_nps_are_flagged(
    tmp_path, capsys, cell, warned, counted
):
    export = tmp_path / "export.csv"
    export.write_text(f"id,date,product,nps\nA1,2026-05-02,App,{cell}\nA2,2026-05-03,App,8\n")
    mapping = tmp_path / "map.yaml"
    mapping.write_text(
        "fields:\n  feedback_id: {columns: [id]}\n  date: {columns: [date]}\n"
        "  product: {columns: [product]}\n  nps: {columns: [nps]}\n",
        encoding="utf-8",
    )
    assert (
        main(["feedback", "--input", str(export), "--mapping", str(mapping), "--format", "json"])
        == 0
    )
    said = capsys.readouterr()
    assert warned in said.err
    import json

    assert json.loads(said.out)["overall"]["n"] == 2
    assert sum(r["nps_n"] for r in json.loads(said.out)["by_period"]) == 1 + counted


def test_half_points_in_feedback_csv_nps_are_errors(tiny_data, capsys):
    feedback = tiny_data / "feedback.csv"
    rows = feedback.read_text(encoding="utf-8-sig").splitlines()
    rows[1] = rows[1].replace(",9,5,2,", ",9.5,5,2,", 1)
    feedback.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["validate", "--data", str(tiny_data)]) == 1
    out = capsys.readouterr().out
    assert "feedback.csv:2: nps: 9.5 is not a whole number; NPS answers are whole numbers" in out
