from kpi_helpers.report import labels
