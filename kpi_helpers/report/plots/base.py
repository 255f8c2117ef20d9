"""Shared pieces of every chart: a styled empty figure, colours, label wrapping, reference lines."""

from __future__ import annotations

import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import Normalize, TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.layout_engine import LayoutEngine
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from kpi_helpers.report.fonts import apply_report_style
from kpi_helpers.report.tables import STATUS_STYLE

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
STATUS_COLOURS = {k: colour for k, (_symbol, colour) in STATUS_STYLE.items()}
STATUS_SYMBOLS = {k: symbol for k, (symbol, _colour) in STATUS_STYLE.items()}
SENTIMENT_COLOURS = {"positive": "#009E73", "neutral": "#BBBBBB", "negative": "#D55E00"}
GREY = "#57606a"
PAD_PT = 4.0  # white space kept between a chart's outermost text and the image's edge

# True while figures are drawn as they were before fixed layouts (constrained layout, RGB PNG):
# the benchmark's baseline, measured on the same plot functions.
_LEGACY = ContextVar("legacy_drawing", default=False)


@contextmanager
def legacy_drawing():
    """Figures made inside get constrained layout and RGB PNGs (to measure the fixed layout)."""
    token = _LEGACY.set(True)
    try:
        yield
    finally:
        _LEGACY.reset(token)


def drawing_legacy() -> bool:
    """Whether figures are being made the former way (see legacy_drawing)."""
    return _LEGACY.get()


def new_figure(
    width: float, height: float, nrows: int = 1, ncols: int = 1, layout: str | None = None, **kw
):
    """A matplotlib Figure (not registered with pyplot, so notebooks never show it twice) and axes.

    Its margins come from FixedLayout (measured once when it is drawn); `layout="constrained"`
    for a figure whose parts FixedLayout does not place (a figure legend outside the axes).
    """
    apply_report_style()
    if layout is None and not _LEGACY.get():
        engine = FixedLayout()
    else:
        engine = layout or "constrained"
    fig = Figure(figsize=(width, height), layout=engine)
    axes = fig.subplots(nrows, ncols, squeeze=True, **kw)
    if isinstance(engine, FixedLayout):
        # Titles sit at the top of their axes (no chart has tick labels above the axes); a
        # fixed place spares every draw a search of the axes' decorations for a free spot.
        for ax in np.atleast_1d(axes).flat:
            ax.set_title("", y=1.0)
    return fig, axes


class FixedLayout(LayoutEngine):
    """Margins measured once from the figure's own text and set with subplots_adjust.

    Each axes' decorations (tick labels, axis labels, title, legend, texts beside the bars)
    reach past its box by so many pixels on each side. Those overhangs move with the axes, so
    one measurement gives margins and gaps in which nothing is cut or overlaps; constrained
    layout measures the same things twice per draw and draws once more to lay out. Left titles
    wider than the room right of their axes are wrapped here, once the axes' place is known.
    Colour bars (seaborn's heat maps) share their axes' grid cell and are measured with it.
    """

    _adjust_compatible = True
    _colorbar_gridspec = True

    def execute(self, fig: Figure) -> None:
        renderer = fig._get_renderer()
        cells = _cell_overhangs(fig, renderer)
        if not cells:
            return
        gs = next(iter(cells.values()))[0]
        nrows, ncols = gs.get_geometry()
        w_px, h_px = fig.bbox.width, fig.bbox.height
        pad = PAD_PT * fig.dpi / 72
        over = {key: o for key, (_gs, o) in cells.items()}

        def most(side: int, keys) -> float:
            return max([over[k][side] for k in keys if k in over] or [0.0])

        left = most(0, [(r, 0) for r in range(nrows)]) + pad
        right = most(1, [(r, ncols - 1) for r in range(nrows)]) + pad
        bottom = most(2, [(nrows - 1, c) for c in range(ncols)]) + pad
        top = most(3, [(0, c) for c in range(ncols)]) + pad + _suptitle_room(fig, renderer, pad)
        wgap = (
            max(
                [
                    most(1, [(r, c)]) + most(0, [(r, c + 1)])
                    for r in range(nrows)
                    for c in range(ncols - 1)
                ]
                or [0.0]
            )
            + pad
        )
        hgap = (
            max(
                [
                    most(2, [(r, c)]) + most(3, [(r + 1, c)])
                    for r in range(nrows - 1)
                    for c in range(ncols)
                ]
                or [0.0]
            )
            + pad
        )
        # however long the labels, the plotting area keeps a fifth of the figure
        left, right = _squeeze(left, right, w_px - (ncols - 1) * wgap)
        axes_w = max((w_px - left - right - (ncols - 1) * wgap) / ncols, 1.0)
        x0s = {c: left + c * (axes_w + wgap) for c in range(ncols)}
        extra = _wrap_titles(fig, renderer, x0s, axes_w, (pad, w_px - pad))
        top += extra
        hgap += extra if nrows > 1 else 0.0
        bottom, top = _squeeze(bottom, top, h_px - (nrows - 1) * hgap)
        axes_h = max((h_px - top - bottom - (nrows - 1) * hgap) / nrows, 1.0)
        gs.update(
            left=left / w_px,
            right=1 - right / w_px,
            bottom=bottom / h_px,
            top=1 - top / h_px,
            wspace=wgap / axes_w,
            hspace=hgap / axes_h,
        )
        for ax in fig.axes:  # GridSpec.update moves only pyplot's figures' axes
            spec = ax.get_subplotspec()
            if spec is not None and spec.get_topmost_subplotspec().get_gridspec() is gs:
                ax._set_position(spec.get_position(fig))


def _squeeze(a: float, b: float, room: float) -> tuple[float, float]:
    """Two margins cut in proportion so they leave at least a fifth of `room` between them."""
    if a + b <= 0.8 * room:
        return a, b
    k = 0.8 * room / (a + b)
    return a * k, b * k


def _cell_overhangs(fig: Figure, renderer) -> dict:
    """(row, col) of each top-level grid cell -> (its gridspec, [left, right, bottom, top]):
    how many pixels the cell's axes and their decorations reach past the cell's box."""
    cells: dict = {}
    for ax in fig.axes:
        spec = ax.get_subplotspec()
        if spec is None or not ax.get_visible():
            continue
        top = spec.get_topmost_subplotspec()
        box = top.get_position(fig).transformed(fig.transFigure)
        tight = _decorations_box(ax, renderer)
        hang = [box.x0 - tight.x0, tight.x1 - box.x1, box.y0 - tight.y0, tight.y1 - box.y1]
        for row in top.rowspan:
            for col in top.colspan:
                gs, old = cells.get((row, col), (top.get_gridspec(), [0.0] * 4))
                cells[(row, col)] = (gs, [max(o, h) for o, h in zip(old, hang, strict=True)])
    return cells


def _decorations_box(ax: Axes, renderer) -> Bbox:
    """The axes' box grown by what is drawn around it, in pixels: tick labels, axis labels,
    titles (their height: a title too wide is wrapped), legends and texts.

    Axes.get_tightbbox finds the same, but works out each axis label's and title's place from
    its neighbours' tick labels several times over; here every text is measured once and the
    labels are placed the way Axis places them (beyond the tick labels, `labelpad` away).
    """
    box = ax.get_position().transformed(ax.get_figure(root=True).transFigure)
    boxes = [box]
    px = ax.get_figure(root=True).dpi / 72
    if ax.axison:
        for axis in (ax.xaxis, ax.yaxis):
            labels = [
                t.get_window_extent(renderer)
                for tick in axis._update_ticks()
                for t in (tick.label1, tick.label2)
                if t.get_visible() and t.get_text()
            ]
            boxes += labels
            label = axis.label
            if not (label.get_visible() and label.get_text()):
                continue
            size = label.get_window_extent(renderer)
            ticks = Bbox.union([box, *labels])
            gap = axis.labelpad * px
            side = axis.get_label_position()
            if side == "bottom":
                y1 = ticks.y0 - gap
                boxes.append(Bbox.from_extents(size.x0, y1 - size.height, size.x1, y1))
            elif side == "top":
                y0 = ticks.y1 + gap
                boxes.append(Bbox.from_extents(size.x0, y0, size.x1, y0 + size.height))
            elif side == "left":
                x1 = ticks.x0 - gap
                boxes.append(Bbox.from_extents(x1 - size.width, size.y0, x1, size.y1))
            else:
                x0 = ticks.x1 + gap
                boxes.append(Bbox.from_extents(x0, size.y0, x0 + size.width, size.y1))
    for title in (ax.title, ax._left_title, ax._right_title):
        if title.get_visible() and title.get_text():
            extent = title.get_window_extent(renderer)
            boxes.append(Bbox.from_extents(box.x0, extent.y0, box.x0 + 1, extent.y1))
    legend = ax.get_legend()
    if legend is not None and legend.get_visible():
        boxes.append(legend.get_window_extent(renderer))
    boxes += [t.get_window_extent(renderer) for t in ax.texts if t.get_visible() and t.get_text()]
    return Bbox.union(boxes)


def _suptitle_room(fig: Figure, renderer, pad: float) -> float:
    """Pixels a figure title takes above the axes (wrapped to the figure's width first)."""
    title = fig._suptitle
    if title is None or not title.get_text():
        return 0.0
    x_px = title.get_position()[0] * fig.bbox.width if title.get_ha() == "left" else pad
    _wrap_to(title, renderer, fig.bbox.width - x_px - pad)
    extent = title.get_window_extent(renderer)
    return fig.bbox.height - extent.y0


def _wrap_titles(
    fig: Figure, renderer, x0s: dict, axes_w: float, edges: tuple[float, float]
) -> float:
    """Wrap each axes title wider than its room (a left title: from where its axes will start
    to the right edge; a centred one: as far as it can reach both ways from the axes' centre);
    return the extra height the wrapped titles need above their axes."""
    extra = 0.0
    for ax in fig.axes:
        spec = ax.get_subplotspec()
        if spec is None:
            continue
        x0 = x0s.get(spec.get_topmost_subplotspec().colspan.start, edges[0])
        middle = x0 + axes_w / 2
        rooms = (
            (ax._left_title, edges[1] - x0),
            (ax.title, 2 * min(middle - edges[0], edges[1] - middle)),
        )
        for artist, room in rooms:
            if not artist.get_text() or "\n" in artist.get_text():
                continue
            before = artist.get_window_extent(renderer).height
            if _wrap_to(artist, renderer, room):
                extra = max(extra, artist.get_window_extent(renderer).height - before)
    return extra


def _wrap_to(artist: Text, renderer, room_px: float) -> bool:
    """Wrap a one-line text onto more lines until its drawn width fits `room_px` (never cut)."""
    text = artist.get_text()
    width = artist.get_window_extent(renderer).width
    if width <= room_px or "\n" in text:
        return False
    cells = max(int(text_cells(text) * room_px / width), 12)
    while True:
        artist.set_text(wrap(text, cells, max_lines=99))
        if artist.get_window_extent(renderer).width <= room_px or cells <= 12:
            return True
        cells -= 2


def text_cells(text: str) -> int:
    """Display width: CJK characters count two cells, others one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def wrap(text: str, cells: int = 24, max_lines: int = 2) -> str:
    """Wrap a label at `cells` display cells (CJK-aware), never cutting it.

    A label longer than `max_lines` lines at `cells` is wrapped wider (up to twice `cells`) to
    stay within `max_lines`; past that it takes the lines it needs. The figure's constrained
    layout then sizes the margins to the whole label.
    """
    words = _tokens(str(text))
    lines = _wrap_at(words, cells)
    width = cells
    while len(lines) > max_lines and width < 2 * cells:
        width += 2
        lines = _wrap_at(words, width)
    return "\n".join(lines)


def _wrap_at(words: list[str], cells: int) -> list[str]:
    lines, line = [], ""
    for w in words:
        if line and text_cells(line + w) > cells:
            lines.append(line.rstrip())
            line = w.lstrip()
        else:
            line += w
    lines.append(line.rstrip())
    return lines


def _tokens(text: str) -> list[str]:
    """Latin words stay whole (with their trailing space); every CJK character is its own token."""
    out, word = [], ""
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WF":
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        else:
            word += ch
            if ch == " ":
                out.append(word)
                word = ""
    if word:
        out.append(word)
    return out


def score_lines(ax: Axes, threshold: float = 60, target: float = 100, axis: str = "x") -> None:
    """Dashed reference lines at the threshold and target points."""
    line = ax.axvline if axis == "x" else ax.axhline
    line(threshold, color=STATUS_COLOURS["off"], linestyle=":", linewidth=1)
    line(target, color=STATUS_COLOURS["on"], linestyle="--", linewidth=1)


def no_data(ax: Axes, message: str) -> None:
    """An empty axes that says there is nothing to show (instead of a blank chart)."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color=GREY)


def heatmap(
    ax: Axes,
    data: pd.DataFrame,
    *,
    cmap: str,
    vmin: float,
    vmax: float,
    label: str,
    center: float | None = None,
    x_cells: int = 16,
) -> None:
    """An annotated seaborn heat map of a DataFrame on `ax` (empty cells stay blank), with a
    colour bar; with `center`, colours diverge at that value (e.g. 90 points).

    Every value is written in its cell, so the chart reads without telling colours apart.
    """
    import seaborn as sns  # here, not at import: seaborn brings scipy, seconds for every kernel

    values = data.astype(float)
    norm = (
        TwoSlopeNorm(vcenter=center, vmin=vmin, vmax=vmax)
        if center is not None
        else Normalize(vmin=vmin, vmax=vmax)
    )
    sns.heatmap(
        values,
        ax=ax,
        cmap=colormaps[cmap],
        norm=norm,
        mask=values.isna(),
        annot=True,
        fmt=".0f",
        annot_kws={"fontsize": 9},
        cbar_kws={"label": label, "shrink": 0.9},
        xticklabels=False,
        yticklabels=False,
    )
    ax.set_xticks(
        np.arange(values.shape[1]) + 0.5,
        [wrap(c, x_cells, 3) for c in data.columns],
        fontsize=8,
        rotation=0,
    )
    ax.set_yticks(
        np.arange(values.shape[0]) + 0.5, [wrap(r, 30, 1) for r in data.index], fontsize=9
    )
    ax.tick_params(axis="y", rotation=0)
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(length=0)
    ax.grid(False)
