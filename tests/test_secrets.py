"""Passwords in data URLs are shown as *** in every message, log, page, manifest and notebook."""

from __future__ import annotations

import json
import os
import uuid
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from notebook_chain import one_notebook_folder
from sqlalchemy import text

from kpi_helpers.cli.parser import main
from kpi_helpers.data.database import make_engine
from kpi_helpers.data.load import load_dataset
from kpi_helpers.data.urls import connect_url, mask_secrets, public_url, url_for_workers
from kpi_helpers.run.runner import run_reports

PG_URL = os.environ.get("KPI_TEST_POSTGRES_URL", "")
needs_postgres = pytest.mark.skipif(
    not PG_URL, reason="no PostgreSQL server: KPI_TEST_POSTGRES_URL is unset"
)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://kpi:s3cret@db:5432/kpi", "postgresql://kpi:***@db:5432/kpi"),
        ("postgresql://kpi:a:b/c@db/kpi", "postgresql://kpi:***@db/kpi"),
        (
            "postgresql://kpi@db:5432/kpi?password=s3cret",
            "postgresql://kpi@db:5432/kpi?password=***",
        ),
        (
            "postgresql://kpi@db/kpi?sslmode=require&PASSWORD=s3cret&x=1",
            "postgresql://kpi@db/kpi?sslmode=require&PASSWORD=***&x=1",
        ),
        ("mysql+pymysql://kpi@db/kpi?pwd=s3cret", "mysql+pymysql://kpi@db/kpi?pwd=***"),
        ("postgresql://kpi@db/kpi?sslpassword=s3cret", "postgresql://kpi@db/kpi?sslpassword=***"),
        ("sqlite:///reports/kpi.db", "sqlite:///reports/kpi.db"),
        ("data/passwords", "data/passwords"),
    ],
)
def test_every_url_form_hides_its_password(url, shown):
    assert public_url(url) == shown


def test_passwords_inside_messages_are_masked():
    said = mask_secrets(
        "cannot connect to postgresql://u:s3cret@h/db (host=h password='s3cret' dbname=db); "
        '{"password": "s3cret"}'
    )
    assert "s3cret" not in said
    assert "postgresql://u:***@h/db" in said and "password='***'" in said


def test_a_query_password_is_handed_to_workers_and_restored(monkeypatch):
    url = "postgresql://kpi@db:5432/kpi?password=s3cret"
    monkeypatch.delenv("KPI_WORKBOOK_DATA_URL", raising=False)
    with url_for_workers(url):
        assert connect_url(public_url(url)) == url
    assert connect_url(public_url(url)) == public_url(url)


def _query_form(url: str) -> tuple[str, str]:
    """The same server URL with its password moved from user:password@ to ?password=."""
    parts = urlsplit(url)
    secret = parts.password or ""
    netloc = parts.netloc.replace(f":{secret}@", "@")
    query = "&".join(q for q in (parts.query, f"password={quote(secret)}") if q)
    return urlunsplit(parts._replace(netloc=netloc, query=query)), secret


@pytest.fixture
def pg_query_url():
    schema = f"t_{uuid.uuid4().hex[:10]}"
    engine = make_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    url, secret = _query_form(PG_URL)
    yield f"{url}&options={quote(f'-csearch_path={schema}')}", secret
    engine = make_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


@needs_postgres
def test_a_postgresql_url_with_password_in_its_query_connects_and_never_shows_it(
    pg_query_url, tiny_data, capsys
):
    url, secret = pg_query_url
    shown = f"password={quote(secret)}"  # the server's password may equal its user name
    assert secret and shown in url and shown not in public_url(url)
    assert main(["export-db", url, "--data", str(tiny_data)]) == 0
    assert main(["validate", "--data", url]) == 0
    out = capsys.readouterr()
    assert "password=***" in out.err and shown not in out.out + out.err
    wrong = url.replace(shown, "password=not-the-password")
    assert main(["validate", "--data", wrong]) == 1
    out = capsys.readouterr()
    said = out.out + out.err
    assert "cannot connect" in said and "not-the-password" not in said


@needs_postgres
@pytest.mark.slow
def test_a_run_from_a_query_password_url_writes_it_nowhere(pg_query_url, tiny_data, tmp_path):
    url, secret = pg_query_url
    assert main(["export-db", url, "--data", str(tiny_data)]) == 0
    notebooks = one_notebook_folder(tmp_path / "notebooks", "data_dir, len(ctx.ds.kpis)")
    summary = run_reports(
        load_dataset(url),
        "2026-Q2",
        lang="en",
        pm_ids=[],
        out_dir=tmp_path / "reports",
        notebooks_dir=notebooks,
    )
    assert [r.status for r in summary.results] == ["ok"]
    manifest = json.loads((summary.folder / "manifest.json").read_text(encoding="utf-8"))
    assert "password=***" in manifest["parameters"]["data_dir"]
    executed = (summary.folder / "executed" / "05_evaluation.ipynb").read_text(encoding="utf-8")
    assert "password=***" in executed and " 6\\n" in executed  # connected, read the 6 KPIs
    for path in summary.folder.rglob("*"):
        if path.is_file():
            page = path.read_text(encoding="utf-8", errors="replace")
            assert f"password={quote(secret)}" not in page, path
