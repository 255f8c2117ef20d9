"""index.html of a published period: the managers' summary and links to every report."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

import pandas as pd

from .evaluation import PeriodEvaluation, evaluate_period
from .findings import SEVERITIES
from .i18n import band_name, localized, t
from .io import Dataset
from .publish import LANGUAGE_CODES, report_css
from .review import review_period

MAX_REVIEW_FINDINGS = 5  # the rest are in the review report (06_review.html)
REVIEW_REPORT = "06_review"


def _text(key: str, lang: str, **params) -> str:
    """Catalogue text with data values filled in, escaped once as a whole for HTML."""
    return escape(t(key, lang, **params))


def _missing(value) -> bool:
    return value is None or pd.isna(value)


def _number(value, fmt: str = "{:.1f}") -> str:
    return "-" if _missing(value) else fmt.format(value)


def top_findings(ds: Dataset, ev: PeriodEvaluation, lang: str) -> tuple[list[str], int]:
    """What a manager should read first, and how many review findings were left out.

    The best and the weakest PM, the PMs with KPIs still missing actuals, then the periodic
    review's findings, errors first.
    """
    names = {row["pm_id"]: localized(row, "name", lang) for _, row in ds.people.iterrows()}
    scored = ev.totals.dropna(subset=["total"]).sort_values("total", ascending=False)
    findings = []
    for key, row in (("index.highest", 0), ("index.lowest", -1))[: min(len(scored), 2)]:
        pm = scored.iloc[row]
        findings.append(
            t(
                key,
                lang,
                name=names.get(pm["pm_id"], pm["pm_id"]),
                total=_number(pm["total"]),
                band=band_name(pm["band"], lang),
            )
        )
    partial = ev.totals[ev.totals["coverage"].fillna(0) < 1]
    if len(partial):
        sep = "、" if lang == "zh" else ", "
        findings.append(
            t("index.missing", lang, names=sep.join(names.get(p, p) for p in partial["pm_id"]))
        )
    review = review_period(ds, ev.period).findings
    order = review["severity"].map({s: i for i, s in enumerate(SEVERITIES)}).fillna(len(SEVERITIES))
    review = review.assign(_order=order).sort_values("_order", kind="stable")
    column = "message_zh" if lang == "zh" else "message"
    findings += list(review[column].head(MAX_REVIEW_FINDINGS))
    return findings, max(0, len(review) - MAX_REVIEW_FINDINGS)


def _summary(ev: PeriodEvaluation, lang: str) -> list[str]:
    company = ev.company
    if company["pms"] == 0:
        return [f"<p>{_text('index.no_scores', lang)}</p>"]
    parts = [
        f'<p class="kpi-headline">{_number(company["total"])} '
        f'<span class="kpi-muted">{escape(band_name(company["band"], lang))}</span></p>',
        f"<p>{_text('index.scored', lang, pms=company['pms'], coverage=_number(company['coverage'], '{:.0%}'))}</p>",
        f"<h3>{_text('index.bands', lang)}</h3>",
        '<table class="kpi-table"><thead><tr>'
        f"<th>{_text('index.band', lang)}</th><th>{_text('index.count', lang)}</th><th></th>"
        "</tr></thead><tbody>",
    ]
    most = max(company["bands"].values()) or 1
    for band, count in company["bands"].items():
        width = round(100 * count / most)
        parts.append(
            f'<tr><td>{escape(band_name(band, lang))}</td><td class="num">{count}</td>'
            f'<td class="kpi-barcell"><div class="kpi-barfill" style="width:{width}%"></div></td></tr>'
        )
    parts.append("</tbody></table>")
    return parts


def _link(href: str, label: str) -> str:
    return f'<a href="{escape(quote(href), quote=True)}">{escape(label)}</a>'


def _pm_table(ds: Dataset, ev: PeriodEvaluation, pm_jobs, lang: str) -> list[str]:
    people = {row["pm_id"]: row for _, row in ds.people.iterrows()}
    totals = ev.totals.set_index("pm_id")
    rows = [
        '<table class="kpi-table"><thead><tr>'
        f"<th>{_text('index.pm', lang)}</th><th>{_text('index.team', lang)}</th>"
        f"<th>{_text('index.total', lang)}</th><th>{_text('index.band', lang)}</th>"
        "</tr></thead><tbody>"
    ]
    for job in pm_jobs:
        person = people.get(job.pm_id, pd.Series({"name": job.pm_id}))
        team = "" if _missing(person.get("team")) else localized(person, "team", lang)
        band = totals["band"].get(job.pm_id)
        rows.append(
            f"<tr><td>{_link(job.html, localized(person, 'name', lang))}</td>"
            f'<td>{escape(team)}</td><td class="num">{_number(totals["total"].get(job.pm_id))}</td>'
            f"<td>{escape(band_name(None if _missing(band) else band, lang))}</td></tr>"
        )
    rows.append("</tbody></table>")
    return rows


def render_index(ds: Dataset, period: str, lang: str, jobs, made: dict) -> str:
    """The landing page of reports/<period>/ as one self-contained HTML string.

    Args:
        ds: the data set the run used.
        period: the run's period.
        lang: "zh" or "en"; every text comes from the catalogue's `index` section.
        jobs: the run's NotebookJobs (company reports, then one per PM) for the links.
        made: created, data_dir, digest (short sha256 of the inputs), version.
    """
    ev = evaluate_period(ds, period)
    company = ds.company.display_name(lang)
    title = t("index.title", lang, company=company)
    company_jobs = [j for j in jobs if j.pm_id is None]
    pm_jobs = [j for j in jobs if j.pm_id is not None]
    findings, more = top_findings(ds, ev, lang)
    review_job = next((j for j in company_jobs if j.name == REVIEW_REPORT), None)
    more_html = []
    if more and review_job:
        more_html = [
            f"<li>{_text('index.more_findings', lang, n=more)} {_link(review_job.html, review_job.title)}</li>"
        ]
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{LANGUAGE_CODES[lang]}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
        f"<title>{escape(title)} · {escape(period)}</title>",
        f"<style>\n{report_css()}\n</style></head>",
        '<body class="kpi-index">',
        f'<header class="kpi-bar"><span>{escape(company)}</span>'
        f"<span>{_text('index.period', lang, period=period)}</span></header>",
        f"<h1>{escape(title)} · {escape(period)}</h1>",
        f"<section><h2>{_text('index.summary', lang)}</h2>",
        *_summary(ev, lang),
        "</section>",
        f"<section><h2>{_text('index.findings', lang)}</h2>",
        '<ul class="kpi-findings">',
        *[f"<li>{escape(f)}</li>" for f in findings or [t("index.no_findings", lang)]],
        *more_html,
        "</ul></section>",
        f"<section><h2>{_text('index.reports', lang)}</h2>",
        f"<h3>{_text('index.company_reports', lang)}</h3><ul>",
        *[f"<li>{_link(j.html, j.title)}</li>" for j in company_jobs],
        "</ul>",
    ]
    if pm_jobs:
        parts += [f"<h3>{_text('index.pm_reports', lang)}</h3>", *_pm_table(ds, ev, pm_jobs, lang)]
    parts += [
        "</section>",
        f'<footer class="kpi-footer">{_text("index.made", lang, **made)}</footer>',
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"
