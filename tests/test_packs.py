"""`run --pm-packs`: one folder per PM with only that PM's pack, without links to other pages."""

from __future__ import annotations

from kpi_helpers.cli.parser import build_parser
from kpi_helpers.run.packs import write_packs

PAGE = (
    '<html><body><header><a class="kpi-back" href="../index.html">← Back</a></header>'
    "<h1>PM01</h1></body></html>"
)


def test_each_pm_gets_a_folder_with_their_page_and_pdf_only(tmp_path):
    (tmp_path / "pm").mkdir()
    (tmp_path / "pm" / "PM01.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "pm" / "PM01.pdf").write_bytes(b"%PDF-1.4 pm01")
    (tmp_path / "pm" / "PM02.html").write_text(PAGE.replace("PM01", "PM02"), encoding="utf-8")
    written = write_packs(tmp_path, ["PM01", "PM02", "PM03"])  # PM03's page failed
    assert [p.name for p in written] == ["PM01", "PM02"]
    one = tmp_path / "packs" / "PM01"
    assert sorted(p.name for p in one.iterdir()) == ["PM01.html", "PM01.pdf"]
    html = (one / "PM01.html").read_text(encoding="utf-8")
    assert "index.html" not in html and "<h1>PM01</h1>" in html and "PM02" not in html
    assert sorted(p.name for p in (tmp_path / "packs" / "PM02").iterdir()) == ["PM02.html"]


def test_the_flag_is_on_the_run_command():
    args = build_parser().parse_args(["run", "--pm-packs"])
    assert args.pm_packs is True
    assert build_parser().parse_args(["run"]).pm_packs is False
