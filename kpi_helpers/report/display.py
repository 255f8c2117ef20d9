"""Showing report content in a notebook: Markdown, HTML fragments and figures as PNG with alt text."""

from __future__ import annotations

import base64
import html
import io

from matplotlib.figure import Figure

PNG_DPI = 110
CELL_EM = 0.6  # a Latin character is about 0.6 em wide; a CJK character (two cells) 1.2 em
PNG_COMPRESS_LEVEL = 6  # zlib level: 9 saves a few per cent of bytes for twice the time


def fit_titles(fig: Figure) -> None:
    """Wrap chart titles wider than the room they have onto more lines, so none is clipped.

    A left title starts at its axes' left edge, which long axis labels push to the right; when a
    title might not fit, the figure is laid out once to learn where its axes start. A figure
    with the report's fixed layout needs none of this: its layout wraps titles as it places
    the axes, without a draw of its own.
    """
    from kpi_helpers.report.plots.base import FixedLayout, text_cells, wrap

    if isinstance(fig.get_layout_engine(), FixedLayout):
        return

    width_pt = fig.get_figwidth() * 72 * 0.96
    titles = []
    for ax in fig.axes:
        for loc in ("left", "center", "right"):
            title = ax.get_title(loc)
            if not title or "\n" in title:
                continue
            artist = getattr(ax, f"_{loc}_title", ax.title) if loc != "center" else ax.title
            cells = int(width_pt / (artist.get_fontsize() * CELL_EM))
            if text_cells(title) > cells * 0.5:
                titles.append((ax, loc, title, cells))
    if titles and fig.get_layout_engine() is not None:
        fig.draw_without_rendering()  # the constrained layout places the axes
    for ax, loc, title, cells in titles:
        room = 1.0 - ax.get_position().x0 if loc == "left" else 1.0
        cells = max(int(cells * room), 12)
        if text_cells(title) > cells:
            ax.set_title(wrap(title, cells, max_lines=99), loc=loc)


def figure_png(fig: Figure, dpi: int = PNG_DPI) -> bytes:
    """The figure rendered as PNG bytes (white background, no wasted margin).

    A figure with the report's fixed layout is laid out and drawn once on an Agg canvas and
    saved as a palette PNG (256 colours hold a chart's colours and their anti-aliased edges;
    the file is about a third of an RGB one and quicker to encode); one with a continuous colour
    scale (a heat map's cells and colour bar) stays RGB, so its gradient shows no bands. Other
    figures go through
    savefig: a constrained one already fits its content (cropping would draw it twice), one
    without a layout engine is cropped to its tight bounding box.
    """
    from kpi_helpers.report.plots.base import FixedLayout, drawing_legacy

    if isinstance(fig.get_layout_engine(), FixedLayout):
        return _fixed_png(fig, dpi, palette=not drawing_legacy() and not _colour_scale(fig))
    fit_titles(fig)
    buf = io.BytesIO()
    crop = "tight" if fig.get_layout_engine() is None else None
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches=crop, facecolor="white")
    return buf.getvalue()


def _colour_scale(fig: Figure) -> bool:
    """Whether the figure draws a colour map: a heat map's mesh, an image, a colour bar."""
    from matplotlib.collections import QuadMesh
    from matplotlib.image import AxesImage

    return any(
        isinstance(artist, QuadMesh | AxesImage) for ax in fig.axes for artist in ax.get_children()
    )


def _fixed_png(fig: Figure, dpi: int, palette: bool) -> bytes:
    """One draw on an Agg canvas (the layout runs inside it), encoded by Pillow."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    original = fig.dpi
    fig.set_dpi(dpi)
    fig.patch.set_facecolor("white")
    try:
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba())
        image = image.convert("RGB")
    finally:
        fig.set_dpi(original)
    if palette:
        image = image.quantize(256, method=Image.Quantize.FASTOCTREE)
    buf = io.BytesIO()
    image.save(buf, format="png", compress_level=PNG_COMPRESS_LEVEL)
    return buf.getvalue()


def figure_html(fig: Figure, alt: str, caption: str | None = None, dpi: int = PNG_DPI) -> str:
    """An <img> with the PNG embedded and real alt text, optionally inside <figure> with a caption.

    The alt text says what the chart shows, so a screen reader user gets the point of it.
    """
    data = base64.b64encode(figure_png(fig, dpi)).decode("ascii")
    img = (
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" '
        'style="max-width:100%;height:auto">'
    )
    if not caption:
        return img
    return (
        f'<figure style="margin:0 0 1em 0">{img}'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def show_markdown(text: str) -> None:
    """Display Markdown as a cell output (it becomes part of the exported report); "" shows nothing."""
    if not text:
        return
    from IPython.display import Markdown, display

    display(Markdown(text))


def show_html(fragment: str) -> None:
    """Display an HTML fragment (tables, figures) as a cell output."""
    from IPython.display import HTML, display

    display(HTML(fragment))


def show_figure(fig: Figure, alt: str, caption: str | None = None) -> None:
    """Display a figure as an embedded PNG with alt text."""
    show_html(figure_html(fig, alt, caption))


def show_heading(text: str, level: int = 2) -> None:
    """A real heading (H1..H4) as Markdown output; `text` must already be Markdown-safe."""
    show_markdown(f"{'#' * level} {text}")


def show_all(*parts) -> None:
    """Show several parts in order: str is Markdown, (Figure, alt) a figure, anything else as is."""
    from IPython.display import display

    for part in parts:
        if part is None:
            continue
        if isinstance(part, str):
            show_markdown(part)
        elif isinstance(part, tuple) and part and isinstance(part[0], Figure):
            show_figure(*part)
        else:
            display(part)
