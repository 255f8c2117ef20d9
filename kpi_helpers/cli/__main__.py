"""`python -m kpi_helpers.cli`: the same as the `kpi-workbook` command."""

import sys

from kpi_helpers.cli.parser import main

sys.exit(main())
