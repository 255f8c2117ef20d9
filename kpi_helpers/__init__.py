"""KPI workbook for product managers: from strategy to weighted KPIs, evidence, scores and review."""

__version__ = "0.1.0"
