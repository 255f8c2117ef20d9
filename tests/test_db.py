"""`--data` as a database URL and `export-db`, on SQLite and on a real PostgreSQL server.

The PostgreSQL tests need $KPI_TEST_POSTGRES_URL (`eval "$(bash .ci/postgres.sh)"` starts a
throwaway server and sets it); each test works in a schema of its own.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from notebook_chain import one_notebook_folder
from sqlalchemy import text

from kpi_helpers.cli.parser import main
from kpi_helpers.config import DATA_URL_ENV
from kpi_helpers.data.database import fingerprint, make_engine
from kpi_helpers.data.load import load_dataset, read_dataset
from kpi_helpers.data.schema import TABLES
from kpi_helpers.data.urls import connect_url, public_url
from kpi_helpers.report import registry
from kpi_helpers.report.context import open_period
from kpi_helpers.run.plan import plan_run
from kpi_helpers.run.runner import run_reports

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FIXTURE_NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebooks"
PG_URL = os.environ.get("KPI_TEST_POSTGRES_URL", "")
needs_postgres = pytest.mark.skipif(
    not PG_URL,
    reason="no PostgreSQL server: KPI_TEST_POSTGRES_URL is unset "
    '(start one with: eval "$(bash .ci/postgres.sh)")',
)
needs_sample = pytest.mark.skipif(
    not (DATA / "kpis.csv").exists(), reason="the sample company in data/ is absent"
)


def cli(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def execute(url: str, *statements: str, **params) -> None:
    """Run SQL statements in one transaction (`params` bind :name placeholders)."""
    engine = make_engine(url)
    with engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement), params)
    engine.dispose()


@pytest.fixture
def pg_schema_url():
    """pg_schema_url() -> a URL whose tables live in a new, empty schema (dropped afterwards)."""
    schemas = []

    def make() -> str:
        schema = f"t_{uuid.uuid4().hex[:10]}"
        execute(PG_URL, f"CREATE SCHEMA {schema}")
        schemas.append(schema)
        return f"{PG_URL}?options={quote(f'-csearch_path={schema}')}"

    yield make
    for schema in schemas:
        execute(PG_URL, f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=needs_postgres)])
def empty_db(request, tmp_path):
    """An empty database of each kind: a new SQLite file, a new PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kpi.db'}"
    return request.getfixturevalue("pg_schema_url")()


@pytest.fixture
def tiny_db(empty_db, tiny_data, capsys):
    """The tiny data folder exported into an empty database."""
    assert cli(capsys, "export-db", empty_db, "--data", tiny_data)[0] == 0
    return empty_db


# --- the sample company: same answers from the folder and the database -------------------------


@pytest.fixture(scope="module")
def folder_answers():
    """validate (lines, file names without .csv) and score --format json from data/."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(["validate", "--data", str(DATA)]) == 0
        validate = out.getvalue().replace(".csv", "").replace("company.yaml:", "company:")
        out.truncate(0)
        out.seek(0)
        assert main(["score", "--data", str(DATA), "--format", "json"]) == 0
    return validate, json.loads(out.getvalue())


@needs_sample
def test_the_sample_validates_and_scores_the_same_from_the_database(
    empty_db, folder_answers, capsys
):
    code, out, err = cli(capsys, "export-db", empty_db, "--data", DATA)
    assert code == 0, err
    assert (
        "people, kpis, targets, actuals, feedback, reviews, events, assessments, checkins, company"
        in out
    )
    assert public_url(empty_db) in out

    code, out, err = cli(capsys, "validate", "--data", empty_db)
    assert code == 0, out + err
    assert out == folder_answers[0]  # every warning, with the same row numbers
    assert err.startswith(f"{public_url(empty_db)}：0 个错误")  # the sample company is Chinese

    code, out, _ = cli(capsys, "score", "--data", empty_db, "--format", "json")
    assert code == 0
    assert json.loads(out) == folder_answers[1]


# --- broken data: one message naming table, row and column ----------------------------------


def test_a_bad_cell_names_the_table_row_and_column(tiny_db, capsys):
    execute(tiny_db, "UPDATE kpis SET weight = 'abc' WHERE kpi_id = 'K02'")
    code, out, _ = cli(capsys, "validate", "--data", tiny_db)
    assert code == 1
    # K02 is the second row returned: row 3, as in kpis.csv
    assert "kpis:3: weight: “abc”不是数字；请填写普通数字，例如 12.5" in out  # a Chinese company


def test_every_rule_reads_the_same_as_from_files(tiny_db, tiny_data, edit_file, capsys):
    execute(
        tiny_db,
        "UPDATE kpis SET owner = 'pm09' WHERE kpi_id = 'K02'",
        "UPDATE actuals SET period = '2026Q9' WHERE kpi_id = 'K03' AND period = '2026-Q2'",
        "UPDATE people SET pm_id = 'pm01' WHERE pm_id = 'pm02'",
    )
    edit_file("kpis.csv", "K02,pm01", "K02,pm09")
    edit_file("actuals.csv", "2026-Q2,K03", "2026Q9,K03")
    edit_file("people.csv", "pm02,李娜", "pm01,李娜")
    from_files = cli(capsys, "validate", "--data", tiny_data)[1]
    code, out, _ = cli(capsys, "validate", "--data", tiny_db)
    assert code == 1
    assert out == from_files.replace(".csv", "")
    assert "kpis:3: owner: “pm09”不是 people 中的 pm_id" in out


def test_a_missing_table_is_named(tiny_db, capsys):
    execute(tiny_db, "DROP TABLE actuals")
    code, out, _ = cli(capsys, "validate", "--data", tiny_db)
    assert code == 1
    assert out.splitlines()[0] == (
        "actuals:: -: the table is missing from the database; create a table actuals with the "
        "columns of actuals.csv ('kpi-workbook export-db' writes every table from a data folder)"
    )


def test_a_missing_column_is_named(tiny_db, capsys):
    execute(tiny_db, "ALTER TABLE people DROP COLUMN name")
    code, out, _ = cli(capsys, "validate", "--data", tiny_db)
    assert code == 1
    assert (
        "people:1: name: required column 'name' is missing; add a column 'name' to the table" in out
    )


def test_broken_company_yaml_names_its_line(tiny_db, capsys):
    execute(tiny_db, "UPDATE company SET yaml = :y", y="company: X\ncadence: [quarter\n")
    code, out, err = cli(capsys, "score", "--data", tiny_db)
    assert code == 1
    assert err.startswith("company:3: -: ")  # the unclosed list ends the text on line 3
    assert "check indentation and quoting on this line" in err


def test_optional_tables_may_be_absent(tiny_db):
    execute(tiny_db, "DROP TABLE feedback", "DROP TABLE targets")
    ds = load_dataset(tiny_db)
    assert len(ds.feedback) == 0 and len(ds.targets) == 0 and len(ds.actuals) == 12


def test_typed_warehouse_columns_read_as_their_text(empty_db, tiny_data, capsys):
    """A warehouse's own actuals table: numeric and date types, NULLs, upper-case name."""
    assert cli(capsys, "export-db", empty_db, "--data", tiny_data)[0] == 0
    number = "DOUBLE PRECISION" if empty_db.startswith("postgresql") else "REAL"
    execute(
        empty_db,
        "DROP TABLE actuals",
        f'CREATE TABLE "ACTUALS" (period TEXT, kpi_id TEXT, value {number}, note TEXT)',
        "INSERT INTO \"ACTUALS\" SELECT '2026-Q1', kpi_id, 1, NULL FROM kpis",
        "INSERT INTO \"ACTUALS\" VALUES ('2026-Q2', 'K01', 11800.5, '春季活动')",
    )
    ds = load_dataset(empty_db)
    assert len(ds.actuals) == 7
    last = ds.actuals.iloc[-1]
    assert (last["kpi_id"], last["value"], last["note"]) == ("K01", 11800.5, "春季活动")
    assert ds.actuals["note"].isna().sum() == 6  # NULL is an empty cell


# --- URLs that cannot work: one sentence, exit 1, no traceback, no password -------------------


@pytest.mark.parametrize(
    "url, says",
    [
        ("sqlite:///{tmp}/nope.db", "the SQLite database file {tmp}/nope.db does not exist"),
        ("nosuchdb://host/db", "is not a database SQLAlchemy knows"),
        ("mysql://kpi:secret@127.0.0.1/kpi", "needs the database driver 'MySQLdb'"),
        ("postgresql://kpi:secret@host:port:5432/kpi", "is not a database URL"),
    ],
)
def test_a_url_that_cannot_work_is_one_sentence(url, says, tmp_path, capsys):
    url, says = url.format(tmp=tmp_path), says.format(tmp=tmp_path)
    code, _, err = cli(capsys, "score", "--data", url)
    assert code == 1
    assert "Traceback" not in err and "secret" not in err
    first, summary = err.strip().splitlines()
    assert first.startswith(f"{public_url(url)}:: -: ") and says in first
    assert summary == "kpi-workbook: 1 error in the data; fix them and run again"


def test_a_plain_postgresql_url_finds_the_installed_driver():
    """SQLAlchemy 2.1 defaults to psycopg 3, 2.0 to psycopg2: either one installed serves."""
    engine = make_engine("postgresql://kpi@127.0.0.1/kpi")  # no connection is made
    assert engine.dialect.driver in ("psycopg", "psycopg2")


@needs_postgres
@pytest.mark.parametrize(
    "change, says",
    [
        (
            lambda u: u.replace(":kpi@", ":wrong@", 1),
            'password authentication failed for user "kpi"',
        ),
        (lambda u: u.replace("@127.0.0.1:", "@no-such-host.invalid:", 1), "no-such-host.invalid"),
        (lambda u: u.rsplit("/", 1)[0] + "/no_such_db", 'database "no_such_db" does not exist'),
    ],
    ids=["wrong password", "unknown host", "unknown database"],
)
def test_postgresql_connection_failures_are_one_sentence(change, says, capsys):
    url = change(PG_URL)
    code, out, err = cli(capsys, "validate", "--data", url)
    assert code == 1
    assert "Traceback" not in out + err
    (line,) = out.strip().splitlines()
    assert line.startswith(f"{public_url(url)}:: -: cannot connect to the database (")
    assert says in out and "check the host, port, database name, user and password" in out
    assert ":wrong@" not in out + err


# --- export-db ----------------------------------------------------------------------------------


def test_export_refuses_existing_tables_unless_replace(tiny_db, tiny_data, edit_file, capsys):
    code, _, err = cli(capsys, "export-db", tiny_db, "--data", tiny_data)
    assert code == 1
    assert (
        "already has the tables people, kpis, targets, actuals, feedback, reviews, events, assessments, checkins, company"
        in err
    )
    assert "pass --replace to overwrite them" in err

    edit_file("actuals.csv", "2026-Q2,K01,11800", "2026-Q2,K01,11900")
    (tiny_data / "targets.csv").unlink()
    assert cli(capsys, "export-db", tiny_db, "--data", tiny_data, "--replace")[0] == 0
    ds = load_dataset(tiny_db)
    assert 11900.0 in set(ds.actuals["value"])
    assert len(ds.targets) == 0  # a table the folder no longer has is gone from the database


def test_export_writes_cells_as_the_files_hold_them(tiny_db, tiny_data):
    engine = make_engine(tiny_db)
    with engine.connect() as conn:
        people = conn.execute(text("SELECT * FROM people ORDER BY _row")).all()
        k04 = conn.execute(text("SELECT * FROM targets WHERE kpi_id = 'K04'")).one()
        yaml_text = conn.execute(text("SELECT yaml FROM company")).scalar_one()
    engine.dispose()
    # _row: the row's number in the file; then the file's columns, as text
    assert people[0] == (2, "pm01", "张伟", "Zhang Wei", "增长组", "记账App;记账小程序")
    assert k04 == (3, "2026-Q2", "K04", "32", None, None)  # empty cells are NULL
    assert yaml_text == (tiny_data / "company.yaml").read_text(encoding="utf-8-sig")


def test_export_needs_a_url_and_a_folder(tmp_path, capsys):
    assert cli(capsys, "export-db", tmp_path / "x", "--data", tmp_path)[0] == 2
    code, _, err = cli(capsys, "export-db", f"sqlite:///{tmp_path}/x.db", "--data", tmp_path / "no")
    assert code == 1 and "the data folder does not exist" in err


# --- runs: the URL reaches the notebooks, the manifest hashes the tables ----------------------


def test_fingerprint_hashes_each_table_and_follows_its_content(tiny_db):
    before = fingerprint(tiny_db)
    assert sorted(before) == sorted([*TABLES, "company"])
    assert read_dataset(tiny_db)[0].table_sha256 == before
    execute(tiny_db, "UPDATE actuals SET note = 'x' WHERE kpi_id = 'K01'")
    after = fingerprint(tiny_db)
    assert [t for t in before if before[t] != after[t]] == ["actuals"]


def test_notebooks_get_the_url_without_its_password(tmp_path, tiny_data, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli(capsys, "export-db", "sqlite:///kpi.db", "--data", tiny_data)[0] == 0
    ds = load_dataset("sqlite:///kpi.db")
    params = plan_run(ds, "2026-Q2", "en", ["pm01"], FIXTURE_NOTEBOOKS)[0].parameters
    assert params["data_dir"] == f"sqlite:///{tmp_path / 'kpi.db'}"  # absolute for the kernel
    monkeypatch.chdir(ROOT / "notebooks")  # where kernels run
    ctx = open_period(params["data_dir"], "2026-Q2", "en")
    assert ctx.ds.url == params["data_dir"] and ctx.period == "2026-Q2"


def test_report_views_work_on_a_dataset_from_a_database(tiny_db):
    from kpi_helpers.report.feedback_view import feedback_view, keywords_file

    ds = load_dataset(tiny_db)
    assert ds.data_dir is None and keywords_file(ds) is None  # no folder, no keywords.yaml
    assert feedback_view(ds, "2026-Q2").by_period["n"].sum() > 0


def test_a_hidden_password_is_taken_from_the_environment(monkeypatch):
    url = "postgresql://kpi:s3cret@db.example:5432/kpi"
    assert public_url(url) == "postgresql://kpi:***@db.example:5432/kpi"
    monkeypatch.delenv(DATA_URL_ENV, raising=False)
    assert connect_url(public_url(url)) == public_url(url)
    monkeypatch.setenv(DATA_URL_ENV, url)
    assert connect_url(public_url(url)) == url
    assert connect_url("postgresql://kpi:***@other:5432/kpi").endswith("@other:5432/kpi")


@needs_postgres
@pytest.mark.slow
def test_a_run_from_postgresql_reads_the_url_and_hashes_the_tables(
    pg_schema_url, tiny_data, tmp_path, capsys
):
    url = pg_schema_url()
    assert cli(capsys, "export-db", url, "--data", tiny_data)[0] == 0
    ds = load_dataset(url)
    notebooks = one_notebook_folder(
        tmp_path / "notebooks", "ctx.ds.url.split('@')[-1], len(ctx.ds.kpis)"
    )
    summary = run_reports(
        ds, "2026-Q2", lang="en", pm_ids=[], out_dir=tmp_path / "reports", notebooks_dir=notebooks
    )
    assert [r.status for r in summary.results] == ["ok"]
    executed = (summary.folder / "executed" / registry.per_pm().file).read_text(encoding="utf-8")
    assert "/kpi?options=" in executed and " 6\\n" in executed  # connected, read the 6 KPIs
    manifest = json.loads((summary.folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["inputs"] == dict(sorted(fingerprint(url).items()))
    assert manifest["parameters"]["data_dir"] == public_url(url)
    assert DATA_URL_ENV not in os.environ
    secret = url.split("@")[0].rsplit(":", 1)[1]  # the password
    for path in summary.folder.rglob("*"):
        if path.is_file():
            assert f":{secret}@" not in path.read_text(encoding="utf-8", errors="replace")
