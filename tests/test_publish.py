"""Report pages, index.html and the atomic publish, without running any kernel."""

from __future__ import annotations

import base64
import copy
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from kpi_helpers.errors import KpiWorkbookError
from kpi_helpers.publish import html as publish

PNG = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()
PAGE = publish.PageContext(
    company="示例<科技>", period="2026-Q2", lang="zh", back="← 返回总览", footer="生成于 今天"
)


def executed_notebook():
    """What papermill hands back: code with outputs on stdout, stderr, a table and a figure."""
    cells = [
        new_markdown_cell("# 绩效评估\n\n本期得分如下。"),
        new_code_cell('period = ""', metadata={"tags": ["parameters"]}, execution_count=1),
        new_code_cell(
            "secret_source_line = 1\nprint('visible stdout')",
            execution_count=2,
            outputs=[new_output("stream", name="stdout", text="visible stdout\n")],
        ),
        new_code_cell(
            "import warnings; warnings.warn('careful')",
            execution_count=3,
            outputs=[new_output("stream", name="stderr", text="UserWarning: careful\n")],
        ),
        new_code_cell(
            "frame",
            execution_count=4,
            outputs=[
                new_output(
                    "execute_result",
                    data={"text/html": "<table class='dataframe'><tr><td>42</td></tr></table>"},
                    execution_count=4,
                )
            ],
        ),
        new_code_cell(
            "fig",
            execution_count=5,
            outputs=[new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})],
        ),
        new_code_cell(
            "hidden()",
            metadata={"tags": ["remove-cell"]},
            outputs=[new_output("stream", name="stdout", text="hidden output\n")],
        ),
    ]
    return new_notebook(cells=cells)


@pytest.fixture(scope="module")
def page_html() -> str:
    return publish.export_report(executed_notebook(), "绩效评估", PAGE, depth=1)


def test_page_shows_outputs_and_narrative_but_no_code(page_html):
    assert "本期得分如下" in page_html
    assert "visible stdout" in page_html
    assert "<td>42</td>" in page_html
    assert "data:image/png;base64," in page_html
    for hidden in ("secret_source_line", "jp-InputArea-editor", "jp-InputPrompt", "In&nbsp;["):
        assert hidden not in page_html
    assert "Out[" not in page_html


def test_page_drops_stderr_warnings_and_tagged_cells(page_html):
    assert "careful" not in page_html
    assert "Warning" not in page_html
    assert "hidden output" not in page_html


def test_page_language_title_and_frame(page_html):
    assert '<html lang="zh-CN">' in page_html
    assert "<title>绩效评估 · 2026-Q2</title>" in page_html
    assert 'href="../index.html"' in page_html
    assert "示例&lt;科技&gt;" in page_html  # data values are escaped
    assert publish.report_css().splitlines()[0] in page_html


def test_page_loads_nothing_from_the_network(page_html):
    assert "<script" not in page_html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page_html)
    assert "@import" not in page_html
    assert "url(http" not in page_html


def test_english_page_says_so():
    page = publish.PageContext("Example", "2026-Q2", "en", "Back", "Made today")
    html = publish.export_report(executed_notebook(), "Evaluation", page)
    assert '<html lang="en">' in html
    assert 'href="index.html"' in html


def test_replace_folder_swaps_in_the_new_folder(tmp_path: Path):
    target = tmp_path / "2026-Q2"
    target.mkdir()
    (target / "index.html").write_text("old")
    build = tmp_path / ".tmp-2026-Q2-x"
    build.mkdir()
    (build / "index.html").write_text("new")
    publish.replace_folder(build, target)
    assert (target / "index.html").read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-Q2"]


def test_replace_folder_without_previous_folder(tmp_path: Path):
    build = tmp_path / ".tmp-2026-Q2-x"
    build.mkdir()
    publish.replace_folder(build, tmp_path / "2026-Q2")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-Q2"]


def test_build_folder_is_removed_on_error(tmp_path: Path):
    with pytest.raises(RuntimeError), publish.build_folder(tmp_path, "2026-Q2") as build:
        (build / "half.html").write_text("...")
        raise RuntimeError("stop")
    assert list(tmp_path.iterdir()) == []


def test_keep_failed_replaces_an_older_failed_folder(tmp_path: Path):
    old = publish.failed_folder(tmp_path, "2026-Q2")
    old.mkdir()
    (old / "stale").write_text("")
    build = tmp_path / ".tmp-2026-Q2-x"
    (build / "executed").mkdir(parents=True)
    (build / "executed" / "01_strategy.ipynb").write_text("{}")
    (build / "executed" / "01_strategy.ipynb").chmod(0o666)
    kept = publish.keep_failed(build, tmp_path, "2026-Q2")
    assert kept == tmp_path / "2026-Q2.failed"
    assert sorted(p.name for p in kept.iterdir()) == ["executed"]
    assert not build.exists()
    # the executed notebooks hold what the reports hold: the reports' modes, not the umask's
    assert (kept / "executed" / "01_strategy.ipynb").stat().st_mode & 0o777 == 0o640
    assert {(kept / d).stat().st_mode & 0o777 for d in ("", "executed")} == {0o750}
    assert publish.keep_failed(build_again(tmp_path), tmp_path, "2026-Q2", 0o644) == kept
    assert (kept / "executed" / "01_strategy.ipynb").stat().st_mode & 0o777 == 0o644


def build_again(tmp_path: Path) -> Path:
    build = tmp_path / ".tmp-2026-Q2-y"
    (build / "executed").mkdir(parents=True)
    (build / "executed" / "01_strategy.ipynb").write_text("{}")
    return build


def test_leftovers_of_killed_runs_are_removed(tmp_path: Path):
    for name in (".tmp-2026-Q2-ab", ".old-2026-Q2-cd", ".tmp-2026-Q3-ef", "2026-Q2"):
        (tmp_path / name).mkdir()
    publish.remove_leftovers(tmp_path, "2026-Q2")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".tmp-2026-Q3-ef", "2026-Q2"]


def test_reports_of_a_run_killed_between_the_two_renames_are_put_back(tmp_path: Path):
    old = tmp_path / ".old-2026-Q2-cd"
    old.mkdir()
    (old / "index.html").write_text("published before", encoding="utf-8")
    (tmp_path / ".tmp-2026-Q2-ab").mkdir()  # the new build, never renamed into place
    publish.remove_leftovers(tmp_path, "2026-Q2")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-Q2"]
    assert (tmp_path / "2026-Q2" / "index.html").read_text(encoding="utf-8") == "published before"


def test_a_second_run_of_the_same_period_is_refused(tmp_path: Path):
    with publish.period_lock(tmp_path, "2026-Q2"):
        with pytest.raises(KpiWorkbookError, match="another run"):
            with publish.period_lock(tmp_path, "2026-Q2"):
                pass
    with publish.period_lock(tmp_path, "2026-Q2"):  # released again
        pass


def test_sha256_and_digest_are_stable(tmp_path: Path):
    f = tmp_path / "a.csv"
    f.write_bytes(b"abc")
    assert publish.sha256_file(f) == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert publish.digest_of({"b": 1, "a": 2}) == publish.digest_of({"a": 2, "b": 1})


def test_versions_name_the_tools():
    v = publish.versions()
    assert {"python", "pandas", "papermill", "nbconvert", "kpi_helpers"} <= set(v)


def test_published_folder_is_readable_like_any_other(tmp_path: Path):
    with publish.build_folder(tmp_path, "2026-Q2") as build:
        mode = build.stat().st_mode & 0o777
    assert mode == 0o777 & ~_umask()  # not mkdtemp's private 0700


def _umask() -> int:
    import os

    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_page_header_names_report_period_and_date_made():
    page = publish.PageContext(
        "示例", "2026-Q2", "zh", "← 返回总览", "页脚", made="2026-07-01 08:00"
    )
    html = publish.export_report(executed_notebook(), "绩效评估", page, depth=1)
    header = html[html.index('<header class="kpi-header"') : html.index("</header>")]
    for text in ("示例", "绩效评估", "考核期 2026-Q2", "生成于 2026-07-01 08:00", "../index.html"):
        assert text in header
    assert '<main id="main">' in html and "Content-Security-Policy" in html


def test_a_reused_page_gets_this_runs_header_and_footer_and_keeps_its_content():
    old = publish.PageContext(
        "示例<科技>", "2026-Q2", "zh", "返回", "生成于 周一 · 数据 aaa", "2026-10-05 08:00", "zh"
    )
    new = publish.PageContext(
        "示例<科技>",
        "2026-Q2",
        "zh",
        "返回",
        "生成于 周二 <b> · 数据 bbb",
        "2026-10-06 09:30",
        "zh",
    )
    nb = executed_notebook()  # cell ids are random: one notebook for both exports
    before = publish.export_report(copy.deepcopy(nb), "绩效评估", old, 1, "pm/PM01.html")
    fresh = publish.export_report(copy.deepcopy(nb), "绩效评估", new, 1, "pm/PM01.html")
    again = publish.reframe(before, "绩效评估", new, 1, "pm/PM01.html")

    def part(html, tag):
        return BeautifulSoup(html, "html.parser").find(tag, class_=f"kpi-{tag}")

    assert part(again, "header") == part(fresh, "header") and "2026-10-06" in again
    assert part(again, "footer") == part(fresh, "footer") and "数据 bbb" in again
    assert "2026-10-05" not in again and "aaa" not in again and "<b>" not in again
    main = re.compile(r'<main id="main">.*</main>', re.S)
    assert main.search(again).group() == main.search(before).group() == main.search(fresh).group()
    assert publish.reframe("<html><body>no frame</body></html>", "绩效评估", new) is None
