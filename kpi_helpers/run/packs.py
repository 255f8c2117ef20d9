"""`run --pm-packs`: one folder per PM holding only that PM's review pack, ready to send.

`reports/<period>/packs/<pm_id>/` gets the PM's page (and its PDF when the run printed one).
The copy loses the header's link back to the company summary, so nothing in the folder points at
pages about other PMs; the page itself already names no other PM.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

PACKS = "packs"
_BACK_LINK = re.compile(r'<a class="kpi-back"[^>]*>.*?</a>', re.S)


def write_packs(build: Path, pm_ids: list[str]) -> list[Path]:
    """Write packs/<pm_id>/ in the build folder for every PM whose page was built."""
    written = []
    for pm_id in pm_ids:
        page = build / "pm" / f"{pm_id}.html"
        if not page.is_file():  # a failed PM report (published with --allow-partial)
            continue
        folder = build / PACKS / pm_id
        folder.mkdir(parents=True, exist_ok=True)
        html = _BACK_LINK.sub("", page.read_text(encoding="utf-8"))
        (folder / page.name).write_text(html, encoding="utf-8")
        pdf = page.with_suffix(".pdf")
        if pdf.is_file():
            shutil.copy2(pdf, folder / pdf.name)
        written.append(folder)
    return written
