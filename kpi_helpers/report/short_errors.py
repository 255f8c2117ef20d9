"""The package's own errors shown in a notebook as one sentence, without a traceback.

A bad value in a notebook's parameters cell (a period that does not exist, a language the
report does not speak) raises ReportError or DataError from `open_period`; the sentence says what
is wrong and how to fix it, and the frames of the package's code behind it help nobody.
"""

from __future__ import annotations

from kpi_helpers.errors import KpiWorkbookError


def one_sentence(shell, etype, value, tb, tb_offset=None):
    """IPython custom exception handler: show `ErrorName: message` and nothing else."""
    stb = [f"{etype.__name__}: {value}"]
    shell._showtraceback(etype, value, stb)
    return stb


def install() -> bool:
    """Register the handler in the running IPython (a notebook kernel); False outside one.

    Other custom handlers the user registered are left alone.
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None:
        return False
    current = tuple(getattr(shell, "custom_exceptions", ()) or ())
    if current and KpiWorkbookError not in current:
        return False
    if KpiWorkbookError not in current:
        shell.set_custom_exc((KpiWorkbookError,), one_sentence)
    return True
