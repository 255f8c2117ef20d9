"""Words, tables, figures and the report sections the notebooks call."""
