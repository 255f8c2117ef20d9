"""Benchmark of the end of a run: index.html and the XLSX workbook from one PeriodResults, against
the index page and the workbook each computing the period on their own.

    .venv/bin/python bench/bench_period_results.py              # sample data and 50 PMs
    .venv/bin/python bench/bench_period_results.py --pms 200

CPU time of this process, best of three (the fairer figure when other work shares the machine);
both ways must give the same page and the same sheets.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"


def _best(fn, repeat: int = 3) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.process_time()
        value = fn()
        best = min(best, time.process_time() - start)
    return best, value


def measure(data: Path) -> None:
    from kpi_helpers.data.load import load_dataset
    from kpi_helpers.engine.results import period_results
    from kpi_helpers.publish.index_page import render_index
    from kpi_helpers.publish.workbook import workbook_tables
    from kpi_helpers.run.plan import plan_run

    ds = load_dataset(data)
    period, lang = ds.latest_period, "zh"
    jobs = plan_run(ds, period, lang, [str(p) for p in ds.people["pm_id"]])
    made = {"created": "-", "data_dir": str(data), "digest": "-", "version": "-"}

    def shared():
        once = period_results(ds, period)
        return render_index(ds, period, lang, jobs, made, results=once), workbook_tables(
            ds, period, lang, once
        )

    def separate():
        return render_index(ds, period, lang, jobs, made), workbook_tables(ds, period, lang)

    t_shared, (page, tables) = _best(shared)
    t_separate, (page2, tables2) = _best(separate)
    assert page == page2 and all(tables[k].equals(tables2[k]) for k in tables)
    print(
        f"{len(ds.people)} PMs, {period}: index + workbook from one PeriodResults "
        f"{t_shared:.2f} s vs. each computing its own {t_separate:.2f} s "
        f"({t_separate / t_shared:.1f}x, {t_separate - t_shared:.2f} s saved)",
        flush=True,
    )


def main() -> None:
    from kpi_helpers.data.sample.scale import write_scaled

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pms", type=int, default=50)
    args = ap.parse_args()
    measure(ROOT / "data")
    measure(write_scaled(OUT / f"period_results_{args.pms}", args.pms, 20_000))


if __name__ == "__main__":
    main()
