"""Benchmark of a PM page's charts: the fixed layout and palette PNGs against constrained layout.

    .venv/bin/python bench/bench_pm_page.py                 # bench/out/scale/data, its 2nd PM
    .venv/bin/python bench/bench_pm_page.py --data data --pm PM01 --repeat 9

The company is the one bench_scale.py generates (`sample --pms 20 --feedback-rows 50000`, kept
in bench/out/scale/ and made there if missing); `--data` points at another folder. One PM page
of 05_evaluation is shown once while every chart it draws is recorded (the plot function and
its arguments). Then, in the same process:

- per chart: the plot function called and its PNG made (draw + encode), CPU time, best of
  `--repeat`, and the PNG's bytes; the new way (FixedLayout, one draw, palette PNG) against the
  old way (constrained layout, fit_titles' extra draw, RGB PNG at the same 110 dpi) drawn
  from the same call inside `legacy_drawing()`;
- the whole page: every section of the PM page called in order, both ways, CPU and wall time,
  best of `--repeat`. The two pages' text (everything but the images) must be equal: the
  same alt texts, headings, tables and sentences. As in a run's warm kernel, the data set is
  loaded once (KPI_WORKBOOK_REUSE_DATA=1).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCALE_DATA = ROOT / "bench" / "out" / "scale" / "data"
IMAGE = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")


def _quiet_shell():
    """An IPython shell so display() publishes outputs that capture_output can keep."""
    os.environ.setdefault("KPI_WORKBOOK_HEADLESS", "1")
    from IPython.core.interactiveshell import InteractiveShell

    return InteractiveShell.instance()


def page_sections() -> list[str]:
    """A PM page's sections (the registry's), and the cell the notebook pins with nbval."""
    from kpi_helpers.report import registry

    return [*registry.per_pm().sections, "check_totals"]


def page(data: Path, pm: str, lang: str) -> str:
    """Every section of the PM's 05_evaluation page in order; the page's outputs as text."""
    from IPython.utils.capture import capture_output

    from kpi_helpers.report import sections

    with capture_output() as shown, contextlib.redirect_stdout(io.StringIO()):
        ctx = sections.start("05_evaluation", data, "", lang, pm, False)
        for name in page_sections():
            getattr(sections.evaluation, name)(ctx)
    parts = []
    for out in shown.outputs:
        parts.append(out.data.get("text/html") or out.data.get("text/markdown") or "")
    return "\n".join(parts)


@contextlib.contextmanager
def recording(calls: list):
    """Record every plot-function call (name, args, kwargs) while a page is drawn."""
    from kpi_helpers.report import pack, plots
    from kpi_helpers.report.plots import feedback, scores, strategy

    modules = [plots, scores, strategy, feedback, pack]
    originals = {name: getattr(plots, name) for name in plots.__all__}
    patched = []

    def recorder(name, fn):
        def call(*args, **kwargs):
            calls.append((name, fn, args, kwargs))
            return fn(*args, **kwargs)

        return call

    for module in modules:
        for name, fn in originals.items():
            if getattr(module, name, None) is fn:
                setattr(module, name, recorder(name, fn))
                patched.append((module, name, fn))
    try:
        yield
    finally:
        for module, name, fn in patched:
            setattr(module, name, fn)


def _best(fn, repeat: int) -> tuple[float, float, object]:
    """(best CPU seconds, best wall seconds, last value) of `repeat` calls."""
    cpu = wall = float("inf")
    value = None
    for _ in range(repeat):
        gc.collect()
        c, w = time.process_time(), time.perf_counter()
        value = fn()
        cpu = min(cpu, time.process_time() - c)
        wall = min(wall, time.perf_counter() - w)
    return cpu, wall, value


ENCODINGS = {
    "RGB, level 6 (savefig's)": ("RGB", {"compress_level": 6}),
    "palette, level 1": ("P", {"compress_level": 1}),
    "palette, level 6 (used)": ("P", {"compress_level": 6}),
    "palette, level 9": ("P", {"compress_level": 9}),
    "palette, optimize": ("P", {"optimize": True}),
}


def encodings(calls: list, repeat: int) -> None:
    """PNG encoding alone of the page's charts (drawn once): CPU time and bytes per setting."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    from kpi_helpers.report.display import PNG_DPI

    images = []
    for _name, fn, args, kwargs in calls:
        fig = fn(*args, **kwargs)
        fig.set_dpi(PNG_DPI)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        rgba = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
        images.append(rgba.convert("RGB"))

    def encode(mode: str, options: dict) -> int:
        size = 0
        for image in images:
            if mode == "P":
                image = image.quantize(256, method=Image.Quantize.FASTOCTREE)
            buf = io.BytesIO()
            image.save(buf, format="png", **options)
            size += len(buf.getvalue())
        return size

    print(f"PNG encoding of the {len(images)} charts (CPU, best of {repeat}):")
    for label, (mode, options) in ENCODINGS.items():
        cpu, _wall, size = _best(lambda m=mode, o=options: encode(m, o), repeat)
        print(f"  {label:<26}{cpu * 1000:>7.1f} ms {size / 1024:>7.1f} KB")


def measure(data: Path, pm: str | None, lang: str, repeat: int) -> None:
    from kpi_helpers.data.load import load_dataset
    from kpi_helpers.report.display import figure_png
    from kpi_helpers.report.plots.base import legacy_drawing

    _quiet_shell()
    ds = load_dataset(data)
    pm = pm or str(ds.people["pm_id"].iloc[min(1, len(ds.people) - 1)])
    calls: list = []
    with recording(calls):
        page(data, pm, lang)  # also warms caches, fonts and imports
    print(f"{data} ({len(ds.people)} PMs), {pm}, {lang}: {len(calls)} charts", flush=True)

    def chart(fn, args, kwargs):
        return figure_png(fn(*args, **kwargs))

    def legacy_chart(fn, args, kwargs):
        with legacy_drawing():
            return chart(fn, args, kwargs)

    rows = []
    for name, fn, args, kwargs in calls:
        new_s, _w, new_png = _best(lambda f=fn, a=args, k=kwargs: chart(f, a, k), repeat)
        old_s, _w, old_png = _best(lambda f=fn, a=args, k=kwargs: legacy_chart(f, a, k), repeat)
        rows.append((name, new_s, old_s, len(new_png), len(old_png)))
    print(
        f"{'chart':<20}{'new ms':>9}{'old ms':>9}{'ratio':>7}{'new KB':>9}{'old KB':>9}{'ratio':>7}"
    )
    for name, new_s, old_s, new_b, old_b in rows:
        print(
            f"{name:<20}{new_s * 1000:>9.1f}{old_s * 1000:>9.1f}{old_s / new_s:>6.2f}x"
            f"{new_b / 1024:>9.1f}{old_b / 1024:>9.1f}{old_b / new_b:>6.2f}x"
        )
    new_s, old_s, new_b, old_b = (sum(row[i] for row in rows) for i in range(1, 5))
    print(
        f"{'all charts':<20}{new_s * 1000:>9.1f}{old_s * 1000:>9.1f}{old_s / new_s:>6.2f}x"
        f"{new_b / 1024:>9.1f}{old_b / 1024:>9.1f}{old_b / new_b:>6.2f}x  (CPU, draw + PNG)",
        flush=True,
    )

    encodings(calls, repeat)

    def legacy_page():
        with legacy_drawing():
            return page(data, pm, lang)

    new_cpu, new_wall, new_text = _best(lambda: page(data, pm, lang), repeat)
    old_cpu, old_wall, old_text = _best(legacy_page, repeat)
    same = IMAGE.sub("", new_text) == IMAGE.sub("", old_text)
    assert same, "the page's text differs between the two ways of drawing"
    print(
        f"whole PM page ({len(page_sections())} sections): new {new_cpu:.2f} s CPU / "
        f"{new_wall:.2f} s wall vs. old {old_cpu:.2f} s CPU / {old_wall:.2f} s wall "
        f"({old_cpu / new_cpu:.2f}x CPU, {old_cpu - new_cpu:.2f} s saved); page size "
        f"{len(new_text) / 1024:.0f} KB vs. {len(old_text) / 1024:.0f} KB; text and alt texts "
        "identical",
        flush=True,
    )
    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, help="data folder (default: bench_scale's company)")
    ap.add_argument("--pm", help="pm_id of the page (default: the second PM)")
    ap.add_argument("--lang", default="zh", choices=["zh", "en"])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    data = args.data
    if data is None:
        if SCALE_DATA.is_dir():
            data = SCALE_DATA
        else:
            sys.path.insert(0, str(ROOT / "bench"))
            from bench_scale import company

            data = company(20, 50_000)
    os.environ.setdefault("MPLBACKEND", "agg")
    from kpi_helpers.config import REUSE_DATA_ENV

    os.environ.setdefault(REUSE_DATA_ENV, "1")  # a warm kernel: the data set is loaded once
    measure(data, args.pm, args.lang, args.repeat)


if __name__ == "__main__":
    main()
