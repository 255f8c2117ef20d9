"""index.html of a published period: the executive summary and links to every report."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

import pandas as pd

from kpi_helpers.data.dataset import Dataset
from kpi_helpers.engine.results import PeriodResults
from kpi_helpers.publish.html import report_css
from kpi_helpers.publish.languages import switch_marker
from kpi_helpers.publish.page_frame import MAIN_ID, finish_page, head_html, header_html
from kpi_helpers.report import registry
from kpi_helpers.report.i18n import band_name, localized, pm_names, t
from kpi_helpers.report.summary import ExecutiveSummary, executive_summary
from kpi_helpers.report.tables import format_number, format_share, is_missing

FEEDBACK_REPORT = registry.notebook("feedback").stem  # the NPS tile links it
REVIEW_REPORT = registry.notebook("review").stem  # the proposal tile links it


def _text(key: str, lang: str, **params) -> str:
    """Catalogue text with data values filled in, escaped once as a whole for HTML."""
    return escape(t(key, lang, **params))


def _link(href: str, label: str) -> str:
    return f'<a href="{escape(quote(href), quote=True)}">{escape(label)}</a>'


def _tile(label: str, value: str, note: str = "") -> str:
    note_html = f'<p class="kpi-tile-note">{escape(note)}</p>' if note else ""
    return (
        f'<div class="kpi-tile"><p class="kpi-tile-label">{escape(label)}</p>'
        f'<p class="kpi-tile-value">{escape(value)}</p>{note_html}</div>'
    )


def _nps_note(nps: dict, lang: str) -> str:
    interval = f"95% {format_number(nps['low'], 1)} – {format_number(nps['high'], 1)}"
    change = nps["change"]
    if is_missing(change):
        return interval
    if not nps.get("real"):  # an arrow only for a change beyond the noise
        noise = t("index.nps_noise_note", lang, noise=format_number(nps.get("noise"), 1))
        return f"{interval} · {noise} ({nps['previous']})"
    arrow = "▲" if change > 0 else ("▼" if change < 0 else "=")
    sign = "+" if change > 0 else ""
    return f"{interval} · {arrow} {sign}{format_number(change, 1)} ({nps['previous']})"


def _tiles(summary: ExecutiveSummary, lang: str) -> str:
    company = summary.company
    tiles = [
        _tile(
            t("index.company_total", lang),
            format_number(company["total"], 1),
            band_name(company["band"], lang),
        ),
        _tile(
            t("index.pms_scored", lang),
            str(company["pms"]),
            f"{t('index.coverage', lang)} {format_share(company['coverage'])}",
        ),
    ]
    if summary.nps is not None:
        tiles.append(
            _tile(
                t("index.nps_tile", lang),
                format_number(summary.nps["nps"], 1),
                _nps_note(summary.nps, lang),
            )
        )
    tiles.append(_tile(t("index.proposal_tile", lang), str(summary.proposal_changed)))
    return '<div class="kpi-tiles">' + "".join(tiles) + "</div>"


def _bands_table(company: dict, lang: str) -> str:
    most = max(company["bands"].values(), default=0) or 1
    rows = []
    for band, count in company["bands"].items():
        width = round(100 * count / most)
        rows.append(
            f'<tr><th scope="row">{escape(band_name(band, lang))}</th>'
            f'<td class="num">{count}</td>'
            f'<td class="kpi-barcell"><div class="kpi-barfill" style="width:{width}%"></div></td></tr>'
        )
    if company.get("incomplete"):  # PMs without a band: coverage below the floor
        rows.append(
            f'<tr><th scope="row">{_text("index.incomplete", lang)}</th>'
            f'<td class="num">{company["incomplete"]}</td><td></td></tr>'
        )
    return (
        f'<table class="kpi-table"><caption>{_text("index.bands", lang)}</caption>'
        f'<thead><tr><th scope="col">{_text("index.band", lang)}</th>'
        f'<th scope="col" class="num">{_text("index.count", lang)}</th>'
        f'<th scope="col"><span class="kpi-visually-hidden">{_text("index.bands", lang)}</span></th>'
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _section(heading: str, *body: str) -> list[str]:
    return ["<section>", f"<h2>{escape(heading)}</h2>", *body, "</section>"]


def _list(items: list[str], empty: str, css: str) -> str:
    if not items:
        return f"<p>{escape(empty)}</p>"
    return f'<ol class="{css}">' + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ol>"


def _see(job, lang: str) -> str:
    return (
        f'<p class="kpi-see">{_text("index.see", lang)} {_link(job.html, job.title)}</p>'
        if job
        else ""
    )


def _band_cell(totals: pd.DataFrame, pm_id: str, band, lang: str) -> str:
    if "incomplete" in totals and bool(totals["incomplete"].get(pm_id, False)):
        return t("common.incomplete", lang, coverage=format_share(totals["coverage"].get(pm_id)))
    return band_name(None if is_missing(band) else band, lang)


SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list) -> str:
    """A small trend of totals in block characters, e.g. "▃▅▆█"; "" with fewer than two."""
    shown = [v for v in values if v is not None]
    if len(shown) < 2:
        return ""
    low, high = min(shown), max(shown)
    span = (high - low) or 1.0
    return "".join(
        " " if v is None else SPARKS[round((v - low) / span * (len(SPARKS) - 1))] for v in values
    )


def _change_cell(history: list, lang: str) -> str:
    if len(history) < 2 or history[-1] is None or history[-2] is None:
        return "–"
    change = history[-1] - history[-2]
    arrow = "▲" if change >= 0.05 else ("▼" if change <= -0.05 else "=")
    sign = "+" if change >= 0.05 else ""
    return f"{arrow} {sign}{format_number(change, 1)}"


def _pm_table(
    ds: Dataset, totals: pd.DataFrame, pm_jobs, lang: str, failed=frozenset(), history=None
) -> str:
    """The PMs' reports, best total first, with the change since last period and a small trend."""
    people = {row["pm_id"]: row for _, row in ds.people.iterrows()}
    names = pm_names(ds.people, lang)
    totals = totals.set_index("pm_id")
    history = history or {}
    points = t("common.unit_points", lang)
    order = {pm: i for i, pm in enumerate(totals["total"].sort_values(ascending=False).index)}
    pm_jobs = sorted(pm_jobs, key=lambda j: order.get(j.pm_id, len(order)))
    rows = [
        f'<table class="kpi-table" aria-label="{_text("index.pm_reports", lang)}"><thead><tr>'
        f'<th scope="col">{_text("index.pm", lang)}</th><th scope="col">{_text("index.team", lang)}</th>'
        f'<th scope="col" class="num">{_text("index.total", lang)}</th>'
        f'<th scope="col">{_text("index.band", lang)}</th>'
        f'<th scope="col" class="num">{_text("index.change_col", lang)}</th>'
        f'<th scope="col">{_text("index.trend", lang)}</th>'
        "</tr></thead><tbody>"
    ]
    for job in pm_jobs:
        person = people.get(job.pm_id, pd.Series({"name": job.pm_id}))
        team = "" if is_missing(person.get("team")) else localized(person, "team", lang)
        band = totals["band"].get(job.pm_id)
        name = names.get(job.pm_id, job.pm_id)
        if job.name in failed:  # no page was published: the name, unlinked, marked as failed
            label = (
                f'{escape(name)} <span class="kpi-failed">({_text("index.report_failed", lang)})'
                "</span>"
            )
        else:
            label = _link(job.html, name)
        past = history.get(job.pm_id, [])
        spark = sparkline(past)
        trend = (
            f'<span class="kpi-spark" role="img" aria-label="'
            f"{_text('index.trend_label', lang, values=' → '.join(format_number(v, 1) for v in past if v is not None))}"
            f'">{spark}</span>'
            if spark
            else ""
        )
        rows.append(
            f'<tr><th scope="row">{label}</th>'
            f"<td>{escape(team)}</td>"
            f'<td class="num">{escape(format_number(totals["total"].get(job.pm_id), 1, points))}</td>'
            f"<td>{escape(_band_cell(totals, job.pm_id, band, lang))}</td>"
            f'<td class="num">{escape(_change_cell(past, lang))}</td>'
            f"<td>{trend}</td></tr>"
        )
    rows.append("</tbody></table>")
    return "".join(rows)


def _archive_link(lang: str, primary: str) -> str:
    """A link to reports/index.html, the list of every published period."""
    if not primary:
        return ""
    href = "../index.html" if lang == primary else "../../index.html"
    return f'<p class="kpi-see kpi-archive-link">{_link(href, t("page.archive", lang))}</p>'


def render_index(
    ds: Dataset,
    period: str,
    lang: str,
    jobs,
    made: dict,
    failed=frozenset(),
    results: PeriodResults | None = None,
    primary: str = "",
    summary: ExecutiveSummary | None = None,
) -> str:
    """The landing page of reports/<period>/ as one self-contained HTML string.

    Args:
        ds: the data set the run used.
        period: the run's period.
        lang: "zh" or "en"; every text comes from the catalogue's `index` and `page` sections.
        jobs: the run's NotebookJobs (company reports, then one per PM) for the links.
        made: created, data_dir, digest (short sha256 of the inputs), version.
        failed: names of PM jobs that failed in a partial run: listed as failed, without links.
        results: the period's results the run computed once (computed here when not given).
        primary: the language of reports/<period>/; given, the page links to the other
            language's index and to the archive reports/index.html.
        summary: the executive summary when the caller has it already.
    """
    summary = summary or executive_summary(ds, period, lang, results)
    company = ds.company.display_name(lang)
    title = t("index.title", lang, company=company)
    company_jobs = [j for j in jobs if j.pm_id is None]
    pm_jobs = [j for j in jobs if j.pm_id is not None]
    by_stem = {j.name: j for j in company_jobs}
    review_job, feedback_job = by_stem.get(REVIEW_REPORT), by_stem.get(FEEDBACK_REPORT)

    if summary.company["pms"]:
        overview = [_tiles(summary, lang), _bands_table(summary.company, lang)]
    else:
        overview = [f"<p>{_text('index.no_scores', lang)}</p>"]
    more = ""
    if summary.more_findings and review_job:
        more = (
            f'<p class="kpi-see">{_text("index.more_findings", lang, n=summary.more_findings)} '
            f"{_link(review_job.html, review_job.title)}</p>"
        )
    parts = [
        head_html(f"{title} · {period}", lang, report_css()),
        '<body class="kpi-index">',
        header_html(
            company,
            period,
            title,
            made.get("created", ""),
            lang,
            switch=switch_marker(lang, primary, "index.html") if primary else "",
        ),
        f'<main id="{MAIN_ID}">',
        f"<h1>{escape(title)} · {escape(period)}</h1>",
        _archive_link(lang, primary),
        *_section(t("index.summary", lang), *overview),
        *_section(
            t("index.praise_title", lang),
            _list(summary.praise, t("index.no_praise", lang), "kpi-praise"),
        ),
        *_section(
            t("index.act_title", lang),
            _list(summary.act, t("index.no_act", lang), "kpi-act"),
            more,
        ),
        *(
            _section(t("index.at_risk_title", lang), _list(summary.at_risk, "", "kpi-act"))
            if summary.at_risk
            else []
        ),
        *_section(
            t("index.satisfaction_title", lang),
            f"<p>{escape(summary.satisfaction or t('index.no_feedback', lang, period=period))}</p>",
            f"<p>{escape(summary.themes)}</p>" if summary.themes else "",
            _see(feedback_job, lang),
        ),
        *_section(
            t("index.proposal_title", lang),
            f"<p>{escape(summary.proposal)}</p>",
            _see(review_job, lang),
        ),
        *_section(
            t("index.reports", lang),
            f"<h3>{_text('index.company_reports', lang)}</h3>",
            '<ul class="kpi-reports">',
            *[f"<li>{_link(j.html, j.title)}</li>" for j in company_jobs],
            "</ul>",
            *(
                [
                    f"<h3>{_text('index.pm_reports', lang)}</h3>",
                    _pm_table(ds, summary.totals, pm_jobs, lang, failed, summary.history),
                ]
                if pm_jobs
                else []
            ),
        ),
        "</main>",
        f'<footer class="kpi-footer">{_text("index.made", lang, **made)}</footer>',
        "</body></html>",
    ]
    return finish_page("\n".join(p for p in parts if p) + "\n", lang)
