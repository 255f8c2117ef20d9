"""Report tables: escaped user text, header scopes, right-aligned numbers with units."""

import pandas as pd

from kpi_helpers.report.report_tables import results_table
from kpi_helpers.report.tables import (
    Column,
    format_interval,
    format_number,
    html_table,
    status_text,
)

ATTACK = "<img src=x onerror=alert(1)>"


def test_user_text_is_escaped_everywhere():
    frame = pd.DataFrame({"name": [ATTACK], "note": ['"quoted" & <b>bold</b>'], "v": [1.5]})
    html = html_table(
        frame,
        [Column("name", ATTACK, header=True), Column("note", "note"), Column("v", "v", "number")],
        caption=ATTACK,
    )
    assert "<img" not in html
    assert "<b>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&quot;quoted&quot; &amp; &lt;b&gt;bold&lt;/b&gt;" in html


def test_headers_have_scopes_and_numbers_align_right_with_units():
    frame = pd.DataFrame({"kpi": ["K01"], "actual": [12345.0], "unit": ["人"], "share": [0.873]})
    html = html_table(
        frame,
        [
            Column("kpi", "KPI", header=True),
            Column("actual", "Actual", "number", unit_key="unit"),
            Column("share", "Share", "share"),
        ],
        caption="c",
    )
    assert html.count('scope="col"') == 3
    assert '<th scope="row"' in html and ">K01</th>" in html
    assert "text-align:right" in html
    assert "12,345 人" in html and "87%" in html
    assert "<caption" in html


def test_number_formats():
    assert format_number(36.2, unit="%") == "36.2%"
    assert format_number(4.1) == "4.1"
    assert format_number(0.25) == "0.25"
    assert format_number(None) == "–"
    assert format_number(-0.04, 1) == "0.0"
    assert format_interval(23.41, 18.1, 28.72) == "23.4 (18.1 – 28.7)"


def test_traffic_lights_carry_a_symbol_as_well_as_a_colour():
    card = pd.DataFrame(
        {
            "label": ["K01 a", "K02 b", "K03 c", "K04 d"],
            "dimension_text": ["x"] * 4,
            "weight": [25.0] * 4,
            "actual": [1.0, 2.0, 3.0, None],
            "unit": ["%"] * 4,
            "threshold": [1.0] * 4,
            "target": [2.0] * 4,
            "stretch": [3.0] * 4,
            "score": [110.0, 80.0, 10.0, None],
            "status": ["on", "near", "off", "missing"],
        }
    )
    html = results_table(card, "caption", "en")
    for key, symbol in (("on", "✓"), ("near", "!"), ("off", "✗")):
        assert status_text(key, "en").startswith(symbol)
        assert status_text(key, "en") in html
    assert status_text("on", "zh") == "✓ 达标"


def test_empty_frame_gives_a_sentence():
    assert html_table(pd.DataFrame(), [Column("a", "a")], "c", "en") == "<p>Nothing to show.</p>"


def test_a_derived_result_is_marked_and_the_caption_says_why():
    import pandas as pd

    from kpi_helpers.report.report_tables import results_table

    frame = pd.DataFrame(
        {
            "label": ["K403 NPS", "K401 Retention"],
            "dimension_text": ["Customer satisfaction", "User growth"],
            "weight": [20, 30],
            "actual": [31.9, 40.0],
            "threshold": [20, 30],
            "target": [30, 45],
            "stretch": [40, 50],
            "score": [102.0, 80.0],
            "status": ["on", "near"],
            "unit": ["", "%"],
            "derived": [True, False],
        }
    )
    html = results_table(frame, "Results", "en")
    assert "K403 NPS ※" in html and "K401 Retention ※" not in html
    assert "※ result computed from customer feedback or reviews" in html
    plain = results_table(frame.assign(derived=False), "Results", "en")
    assert "※" not in plain
