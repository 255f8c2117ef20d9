"""The notebooks of a run, in reading order: the one place a new notebook is added.

Each entry names the notebook file, its text in the locales, the report sections its cells call
(functions of `kpi_helpers.report.sections.<module>`, in page order), the sections and panel its
pickers re-render, and whether it also runs once per product manager. The runner, the index page,
the widgets, the tests and the benchmarks all read this list.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Notebook:
    """One notebook of the workbook."""

    stem: str  # file name without .ipynb, e.g. "05_evaluation"; the page is <stem>.html
    module: str  # its sections module: kpi_helpers.report.sections.<module>
    key: str  # its text in the locales: <key>.title, <key>.intro, <key>.h_* ...
    sections: tuple[str, ...]  # the section functions its cells call, in page order
    pickers: tuple[str, ...]  # pickers its controls offer (widgets.pickers.FIELDS)
    rerender: tuple[str, ...] = ()  # sections the pickers re-render for the picked selection
    panel: str | None = None  # the panel under them: "whatif", "explorer" or "review"
    per_pm: bool = False  # also run once per product manager (pm/<pm_id>.html)

    @property
    def file(self) -> str:
        return f"{self.stem}.ipynb"

    @property
    def title_key(self) -> str:
        """The catalogue key of its title in the run's list of reports."""
        return f"run.title.{self.stem}"


NOTEBOOKS: tuple[Notebook, ...] = (
    Notebook(
        "01_strategy",
        "strategy",
        "nb01",
        ("objectives", "goals", "changes"),
        ("period", "lang"),
        rerender=("objectives",),
    ),
    Notebook(
        "02_goal_tree",
        "goal_tree",
        "nb02",
        ("tree", "gaps", "shares"),
        ("period", "pm", "lang"),
        rerender=("tree", "gaps"),
    ),
    Notebook(
        "03_kpi_design",
        "kpi_design",
        "nb03",
        ("lint", "weights", "history", "kpi_sets"),
        ("period", "pm", "team", "lang"),
        rerender=("weights", "kpi_sets"),
        panel="whatif",
    ),
    Notebook(
        "04_feedback",
        "feedback",
        "nb04",
        ("volume", "metrics", "themes", "sentiment", "comments"),
        ("period", "pm", "lang"),
        panel="explorer",
    ),
    Notebook(
        "05_evaluation",
        "evaluation",
        "nb05",
        (
            "pm_headline",
            "totals",
            "pm_history",
            "dimensions",
            "kpis",
            "pm_notes",
            "movers",
            "pm_findings",
            "pm_reviews",
            "pm_customers",
            "pm_next_targets",
            "pm_assessments",
            "pm_checkins",
        ),  # fmt: skip
        ("period", "pm", "team", "product", "lang"),
        rerender=("totals", "kpis"),
        panel="whatif",
        per_pm=True,
    ),
    Notebook(
        "06_review",
        "review",
        "nb06",
        ("trends", "kpi_scores", "findings", "proposal", "effect"),
        ("period", "pm", "lang"),
        panel="review",
    ),
    Notebook(
        "07_calibration",
        "calibration",
        "nb07",
        ("bands", "ambition", "ranks", "leniency", "discuss"),
        ("period", "lang"),
    ),
)


def stems() -> list[str]:
    """Every notebook's stem, in reading order."""
    return [nb.stem for nb in NOTEBOOKS]


def notebook(name: str) -> Notebook:
    """The entry for a stem ("05_evaluation"), a file name, a module name ("evaluation") or the
    stem's number ("05"); ValueError naming the known notebooks otherwise."""
    name = str(name).removesuffix(".ipynb")
    for nb in NOTEBOOKS:
        if name in (nb.stem, nb.module, nb.stem.split("_", 1)[0]):
            return nb
    raise ValueError(f"unknown notebook '{name}'; the notebooks are {', '.join(stems())}")


def per_pm() -> Notebook:
    """The notebook that also runs once per product manager."""
    return next(nb for nb in NOTEBOOKS if nb.per_pm)
