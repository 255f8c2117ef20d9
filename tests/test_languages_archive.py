"""Both languages of a period side by side, the switch link between them, and the archive page."""

from __future__ import annotations

import json
from pathlib import Path

from bs4 import BeautifulSoup

from kpi_helpers.publish import html as publish
from kpi_helpers.publish.archive import archive_entries, manifest_summary, write_archive
from kpi_helpers.publish.languages import (
    keep_other_language,
    primary_language,
    publish_place,
    resolve_switch_links,
    switch_marker,
)


def _page(path: Path, lang: str, primary: str, rel: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"<html><body><header>{switch_marker(lang, primary, rel)}</header></body></html>",
        encoding="utf-8",
    )
    return path


def _switch(path: Path) -> str | None:
    link = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one("a.kpi-lang")
    return link["href"] if link else None


def test_the_company_language_sits_in_the_period_folder_the_other_below_it(tmp_path: Path):
    assert primary_language("en") == "en" and primary_language(None) == "zh"
    assert publish_place(tmp_path, "2026-Q3", "zh", "zh") == (tmp_path, "2026-Q3")
    assert publish_place(tmp_path, "2026-Q3", "en", "zh") == (tmp_path / "2026-Q3", "en")


def test_a_switch_link_appears_only_once_the_other_page_exists(tmp_path: Path):
    period = tmp_path / "2026-Q3"
    zh_pm = _page(period / "pm" / "PM01.html", "zh", "zh", "pm/PM01.html")
    zh_index = _page(period / "index.html", "zh", "zh", "index.html")
    assert resolve_switch_links(period, skip="en") == 0
    assert (
        _switch(zh_pm) is None
        and "English"
        not in BeautifulSoup(zh_pm.read_text(encoding="utf-8"), "html.parser").get_text()
    )
    en_index = _page(period / "en" / "index.html", "en", "zh", "index.html")
    assert resolve_switch_links(period / "en") == 1
    assert resolve_switch_links(period, skip="en") == 1  # the index only: no English PM01 page
    assert _switch(zh_index) == "en/index.html" and _switch(zh_pm) is None
    assert _switch(en_index) == "../index.html"
    en_pm = _page(period / "en" / "pm" / "PM01.html", "en", "zh", "pm/PM01.html")
    resolve_switch_links(period / "en")
    resolve_switch_links(period, skip="en")
    assert _switch(en_pm) == "../../pm/PM01.html" and (en_pm.parent / _switch(en_pm)).is_file()
    assert _switch(zh_pm) == "../en/pm/PM01.html" and (zh_pm.parent / _switch(zh_pm)).is_file()


def test_the_other_language_is_carried_into_a_new_build_without_sharing_edits(tmp_path: Path):
    target, build = tmp_path / "2026-Q3", tmp_path / ".tmp-2026-Q3-x"
    page = _page(target / "en" / "index.html", "en", "zh", "index.html")
    build.mkdir()
    assert keep_other_language(target, build, "en")
    assert (build / "en" / "index.html").read_bytes() == page.read_bytes()
    (build / "index.html").write_text("zh", encoding="utf-8")
    resolve_switch_links(build / "en")
    assert _switch(build / "en" / "index.html") == "../index.html"
    assert _switch(page) is None  # the published file is not changed through a hard link
    assert not keep_other_language(tmp_path / "nothing", build, "zh")


def test_no_lock_file_stays_behind_after_a_run(tmp_path: Path):
    with publish.period_lock(tmp_path, "2026-Q3"):
        assert (tmp_path / ".2026-Q3.lock").exists()
    assert list(tmp_path.iterdir()) == []


def _publish(folder: Path, lang: str, created: str, total: float, status: str = "ok") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text("<html></html>", encoding="utf-8")
    company = {"total": total, "band": "A", "bands": {"S": 1, "A": 2, "B": 0}, "pms": 3}
    manifest = {
        "status": status,
        "created_at": created,
        "summary": manifest_summary(company, "青橙", lang),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_archive_lists_every_published_period_and_language_newest_first(tmp_path: Path):
    _publish(tmp_path / "2026-Q2", "zh", "2026-07-02T08:00:00+08:00", 91.24)
    _publish(tmp_path / "2026-Q3", "zh", "2026-10-02T08:00:00+08:00", 95.0)
    _publish(tmp_path / "2026-Q3" / "en", "en", "2026-10-02T09:00:00+08:00", 95.0)
    _publish(tmp_path / "2025-Q4", "zh", "2026-01-05T08:00:00+08:00", 80.0, status="failed")
    (tmp_path / "2026-Q1.failed").mkdir()
    (tmp_path / "notes").mkdir()
    entries = archive_entries(tmp_path)
    assert [(e["period"], e["lang"]) for e in entries] == [
        ("2026-Q3", "zh"),
        ("2026-Q3", "en"),
        ("2026-Q2", "zh"),
    ]
    path = write_archive(tmp_path, "zh", "青橙")
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    rows = [
        [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])] for tr in soup.tbody("tr")
    ]
    assert [r[:2] for r in rows] == [
        ["2026-Q3", "中文"],
        ["2026-Q3", "English"],
        ["2026-Q2", "中文"],
    ]
    assert rows[0][2] == "2026-10-02 08:00" and rows[2][3] == "91.2"
    assert "A 优秀 2" in rows[0][5]
    hrefs = [a["href"] for a in soup.tbody.find_all("a")]
    assert hrefs == ["2026-Q3/index.html", "2026-Q3/en/index.html", "2026-Q2/index.html"]
    assert not (tmp_path / ".index.lock").exists()
