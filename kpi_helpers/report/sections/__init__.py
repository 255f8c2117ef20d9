"""Report sections: one function per section of each notebook (heading, figure with alt text,
summary sentence, table), called by the notebook's cells and by the widgets' pickers alike.

Every section takes the ReportContext and, optionally, `keep`: a filter applied to the PM rows
the section shows (the pickers pass their team / product filter; the notebooks pass nothing).
"""

from kpi_helpers.report.sections import (
    calibration,
    evaluation,
    feedback,
    goal_tree,
    kpi_design,
    review,
    strategy,
)
from kpi_helpers.report.sections.base import start

__all__ = [
    "calibration",
    "evaluation",
    "feedback",
    "goal_tree",
    "kpi_design",
    "review",
    "start",
    "strategy",
]
