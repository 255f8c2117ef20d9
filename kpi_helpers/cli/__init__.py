"""One module per `kpi-workbook` subcommand; each exposes `main(args) -> exit code`."""
