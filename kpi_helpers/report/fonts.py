"""Chinese-capable fonts for every chart, from the bundled mplfonts package (no download, no system font)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib
import matplotlib.font_manager as font_manager

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
# DejaVu Sans ships with matplotlib; it is the fallback for symbols the CJK font lacks.
FALLBACK_FAMILY = "DejaVu Sans"


class FontSetupError(RuntimeError):
    """The bundled CJK font cannot be found; reinstall the mplfonts package."""


def cjk_font_path() -> Path:
    """Where mplfonts keeps Noto Sans CJK SC inside its package folder."""
    try:
        import mplfonts
    except ImportError as e:  # pragma: no cover - a declared dependency
        raise FontSetupError(
            "the package 'mplfonts' is not installed; run 'pip install mplfonts' "
            "(it ships the Chinese font the charts use)"
        ) from e
    path = Path(mplfonts.__file__).resolve().parent / "fonts" / CJK_FONT_FILE
    if not path.exists():
        raise FontSetupError(
            f"{path} is missing; reinstall mplfonts ('pip install --force-reinstall mplfonts')"
        )
    return path


@lru_cache(maxsize=1)
def register_cjk_font() -> str:
    """Add the bundled font to matplotlib's font manager once; return its family name."""
    path = cjk_font_path()
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def use_cjk_font() -> str:
    """Point matplotlib's default font at the CJK font with a Latin fallback; return the family.

    Call this after any seaborn theme call: `sns.set_theme` resets these settings.
    """
    family = register_cjk_font()
    rc = matplotlib.rcParams
    rc["font.family"] = [family, FALLBACK_FAMILY]
    rc["font.sans-serif"] = [family, FALLBACK_FAMILY, *_others(rc["font.sans-serif"], family)]
    # The CJK font has no U+2212 minus sign; an ASCII hyphen avoids a missing glyph.
    rc["axes.unicode_minus"] = False
    return family


# A light grid theme like seaborn's "whitegrid", without importing seaborn (and scipy) for it.
REPORT_RC = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "axes.edgecolor": "#c8cdd2",
    "axes.grid": True,
    "axes.axisbelow": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 12,
    "axes.labelsize": 10,
    "grid.color": "#e6e8eb",
    "grid.linewidth": 0.8,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "font.size": 10,
    # Names and labels come from user files: a "$" must print as a dollar, not start mathtext.
    "text.parse_math": False,
}


def apply_report_style() -> str:
    """The charts' look: a light grid theme, then the CJK font (after any theme, which resets it).

    Re-applied whenever something else (a seaborn theme call, rcdefaults) changed the font.
    """
    family = register_cjk_font()
    rc = matplotlib.rcParams
    if list(rc["font.family"])[:1] == [family] and not rc["axes.unicode_minus"]:
        return family
    rc.update(REPORT_RC)
    return use_cjk_font()


def _others(families, first: str) -> list[str]:
    return [f for f in families if f not in (first, FALLBACK_FAMILY)]
