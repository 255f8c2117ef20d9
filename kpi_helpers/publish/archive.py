"""reports/index.html: every published period and language, newest first, rebuilt by every run.

Each published folder's manifest.json carries a "summary" (company total, band, band counts);
the archive reads those, so it never needs the data of older periods.
"""

from __future__ import annotations

import os
from html import escape
from pathlib import Path
from urllib.parse import quote

from kpi_helpers.errors import KpiWorkbookError
from kpi_helpers.periods import parse_period
from kpi_helpers.publish.html import held_lock, read_manifest, report_css
from kpi_helpers.publish.languages import LABELS, OTHER
from kpi_helpers.publish.page_frame import MAIN_ID, finish_page, head_html, header_html
from kpi_helpers.report.i18n import band_name, t
from kpi_helpers.report.tables import format_number

ARCHIVE = "index.html"
PUBLISHED = ("ok", "partial")


def manifest_summary(company: dict, company_name: str, lang: str) -> dict:
    """What the archive shows of a run, kept in its manifest.json under "summary"."""
    total = company.get("total")
    return {
        "lang": lang,
        "company": company_name,
        "total": None if total is None or total != total else round(float(total), 1),
        "band": company.get("band"),
        "bands": {str(b): int(n) for b, n in (company.get("bands") or {}).items()},
        "pms": int(company.get("pms") or 0),
    }


def _period_key(name: str) -> tuple | None:
    """Sort key of a period folder's name (start date, then name); None: not a period."""
    try:
        p = parse_period(name)
    except (KpiWorkbookError, ValueError):
        return None
    return (p.start(), name)


def archive_entries(out_dir: Path) -> list[dict]:
    """Every published language folder under `out_dir`, newest period first.

    Returns:
        Dicts with period, lang, href (relative to out_dir), created_at, status and the summary.
    """
    out_dir = Path(out_dir)
    entries = []
    for folder in out_dir.iterdir() if out_dir.is_dir() else []:
        if not folder.is_dir() or folder.name.startswith(".") or _period_key(folder.name) is None:
            continue
        for sub in [folder, *(folder / lang for lang in OTHER)]:
            manifest = read_manifest(sub) if sub.is_dir() else None
            if not manifest or manifest.get("status") not in PUBLISHED:
                continue
            if not (sub / "index.html").is_file():
                continue
            summary = manifest.get("summary") or {}
            entries.append(
                {
                    "period": folder.name,
                    "lang": summary.get("lang") or manifest.get("parameters", {}).get("lang"),
                    "href": sub.relative_to(out_dir).as_posix() + "/index.html",
                    "created_at": manifest.get("created_at", ""),
                    "status": manifest.get("status"),
                    **{k: summary.get(k) for k in ("company", "total", "band", "bands", "pms")},
                }
            )
    entries.sort(key=lambda e: (_period_key(e["period"]), e["href"].count("/") == 1), reverse=True)
    return entries


def _bands(bands: dict | None, lang: str) -> str:
    if not bands:
        return "-"
    most = sum(bands.values()) or 1
    bar = "".join(
        f'<span class="kpi-band kpi-band-{escape(b)}" style="width:{round(100 * n / most)}%" '
        f'title="{escape(band_name(b, lang), quote=True)}: {n}"></span>'
        for b, n in bands.items()
        if n
    )
    text = " · ".join(f"{escape(band_name(b, lang))} {n}" for b, n in bands.items())
    return f'<div class="kpi-bandbar" aria-hidden="true">{bar}</div><span>{text}</span>'


def _span(entries: list[dict]) -> str:
    periods = sorted({e["period"] for e in entries}, key=_period_key)
    if not periods:
        return "-"
    return periods[0] if len(periods) == 1 else f"{periods[0]} – {periods[-1]}"


def render_archive(entries: list[dict], lang: str, company: str) -> str:
    """The archive page as one self-contained HTML string (texts in `lang`)."""
    title = t("archive.title", lang, company=company)
    rows = []
    for e in entries:
        code = e.get("lang") or ""
        total = format_number(e.get("total"), 1) if e.get("total") is not None else "-"
        band = band_name(e.get("band"), lang)
        status = "" if e["status"] == "ok" else f" ({escape(t('archive.partial', lang))})"
        rows.append(
            f'<tr><th scope="row"><a href="{escape(quote(e["href"]), quote=True)}">'
            f"{escape(e['period'])}</a>{status}</th>"
            f'<td lang="{"zh-CN" if code == "zh" else "en"}">{escape(LABELS.get(code, code))}</td>'
            f"<td>{escape(str(e.get('created_at', ''))[:16].replace('T', ' '))}</td>"
            f'<td class="num">{escape(total)}</td><td>{escape(band)}</td>'
            f"<td>{_bands(e.get('bands'), lang)}</td></tr>"
        )
    head = "".join(
        f'<th scope="col"{cls}>{escape(t(f"archive.{key}", lang))}</th>'
        for key, cls in (
            ("period", ""),
            ("language", ""),
            ("made", ""),
            ("total", ' class="num"'),
            ("band", ""),
            ("bands", ""),
        )
    )
    table = (
        f'<table class="kpi-table kpi-archive"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        if rows
        else f"<p>{escape(t('archive.empty', lang))}</p>"
    )
    parts = [
        head_html(title, lang, report_css()),
        '<body class="kpi-index">',
        header_html(company, _span(entries), title, "", lang),
        f'<main id="{MAIN_ID}">',
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(t('archive.intro', lang, n=len({e['period'] for e in entries})))}</p>",
        table,
        "</main></body></html>",
    ]
    return finish_page("\n".join(parts) + "\n", lang)


def write_archive(out_dir: Path, lang: str, company: str) -> Path:
    """Rebuild reports/index.html from the published folders (atomically, one run at a time)."""
    out_dir = Path(out_dir)
    path = out_dir / ARCHIVE
    busy = f"another run is updating {path} right now; run again when it has finished"
    with held_lock(out_dir / ".index.lock", busy, wait=True):
        html = render_archive(archive_entries(out_dir), lang, company)
        tmp = out_dir / f".{ARCHIVE}.tmp"
        tmp.write_text(html, encoding="utf-8")
        os.replace(tmp, path)
    return path
