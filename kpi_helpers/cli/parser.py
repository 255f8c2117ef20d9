"""The `kpi-workbook` command line: parses arguments, calls the package, turns errors into exit codes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kpi_helpers.errors import DataError, KpiWorkbookError, UsageError, printable


def say(text) -> None:
    """Print a message on stderr: passwords masked, control characters escaped."""
    from kpi_helpers.data.urls import mask_secrets

    print(printable(mask_secrets(str(text))), file=sys.stderr)


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors: one line, exit 2
        self.print_usage(sys.stderr)
        print(f"kpi-workbook: error: {message}", file=sys.stderr)
        sys.exit(2)


def _data_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", default="data", help="data folder or database URL (default: data/)")
    p.add_argument(
        "--follow-symlinks",
        action="store_true",
        help="read files of the data folder that are symbolic links to files outside it",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kpi-workbook", description="KPI workbook for product managers.")
    from kpi_helpers import __version__

    parser.add_argument("--version", action="version", version=f"kpi-workbook {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    sub.required = True

    p = sub.add_parser(
        "init", help="write a new data folder with every file and a few example rows"
    )
    p.add_argument("dir")

    p = sub.add_parser("validate", help="check every file of a data folder")
    _data_arg(p)

    p = sub.add_parser("export-db", help="write a data folder's tables into a SQL database")
    p.add_argument("url", help="SQLAlchemy URL, e.g. sqlite:///kpi.db or postgresql://...")
    _data_arg(p)
    p.add_argument("--replace", action="store_true", help="overwrite the tables if they exist")

    p = sub.add_parser("sample", help="regenerate the sample company (deterministic)")
    p.add_argument("--out", default="data")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument(
        "--pms", type=int, default=None, help="grow the company to N product managers (copies)"
    )
    p.add_argument(
        "--feedback-rows", type=int, default=None, help="with --pms: this many feedback rows"
    )
    p.add_argument(
        "--force", action="store_true", help="write into --out even if it holds files already"
    )

    p = sub.add_parser("score", help="the scorecard of a period")
    _data_arg(p)
    p.add_argument("--period")
    p.add_argument("--pm")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")

    p = sub.add_parser("review", help="adjustment findings and the next period's proposed targets")
    _data_arg(p)
    p.add_argument("--period")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p.add_argument(
        "--proposal-out", help="write the proposal as a targets.csv fragment to this file"
    )

    p = sub.add_parser("feedback", help="feedback metrics for any survey or review export")
    p.add_argument("--input", required=True)
    p.add_argument("--mapping")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--cadence", choices=["quarter", "half"], default="quarter")
    p.add_argument("--keywords", help="theme keyword list (YAML)")
    p.add_argument(
        "--rows-out",
        help="write one CSV row per comment: feedback_id, lang, sentiment, sentiment_score, themes",
    )

    p = sub.add_parser("sentiment", help="add sentiment and sentiment_score columns to a file")
    p.add_argument("--input", required=True)
    p.add_argument("--text-column", required=True)
    p.add_argument("--lang", choices=["auto", "zh", "en"], default="auto")
    p.add_argument("--output", required=True)
    p.add_argument("--force", action="store_true", help="replace --output if it exists")

    p = sub.add_parser("run", help="execute the notebook chain and publish HTML reports")
    _data_arg(p)
    p.add_argument("--period")
    p.add_argument("--pm", default="all")
    p.add_argument("--lang", choices=["zh", "en"], default=None)
    p.add_argument("--jobs", type=int, default=None)
    p.add_argument("--out", default="reports")
    p.add_argument(
        "--force",
        action="store_true",
        help="re-run every notebook even if its inputs are unchanged",
    )
    p.add_argument(
        "--pdf",
        action="store_true",
        help="also print every page to PDF with the installed Chromium",
    )
    p.add_argument(
        "--allow-partial",
        action="store_true",
        help="publish even when some PM reports failed (they are listed as failed); "
        "without it such a run publishes nothing and exits 1",
    )
    p.add_argument(
        "--executor",
        choices=["local", "dask"],
        default="local",
        help="where notebooks run: local worker processes, or a Dask cluster (--scheduler)",
    )
    p.add_argument("--scheduler", help="the Dask scheduler's address, e.g. tcp://HOST:8786")
    p.add_argument(
        "--pm-packs",
        action="store_true",
        help="also write packs/<pm_id>/: each PM's review pack alone, ready to send",
    )
    p.add_argument(
        "--file-mode",
        default="0640",
        help="octal mode of the published files (default 0640: owner and group; folders get "
        "x where r is, 0750); the pages hold personal data",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "follow_symlinks", False):  # an environment variable: kernels inherit it
        import os

        from kpi_helpers.config import FOLLOW_SYMLINKS_ENV

        os.environ[FOLLOW_SYMLINKS_ENV] = "1"
    try:
        code = _dispatch(args)
    except UsageError as e:
        say(f"kpi-workbook: error: {e}")
        return 2
    except DataError as e:
        from kpi_helpers.data.messages import localized

        for p in e.problems:
            say(localized(p, e.lang))
        n = len(e.problems)
        print(
            f"kpi-workbook: 数据中有 {n} 个错误；请修正后重新运行"
            if e.lang == "zh"
            else f"kpi-workbook: {n} error{'s' if n != 1 else ''} in the data; fix them and run again",
            file=sys.stderr,
        )
        return 1
    except KpiWorkbookError as e:
        say(f"kpi-workbook: {e}")
        return 1
    except KeyboardInterrupt:
        print("kpi-workbook: interrupted", file=sys.stderr)
        return 130
    except OSError as e:  # an unwritable --out, a full disk, a path through a file
        if isinstance(e, BrokenPipeError):
            raise
        from kpi_helpers.cli.common import os_error_sentence

        say(f"kpi-workbook: {os_error_sentence(e)}")
        return 1
    except MemoryError:
        say(
            "kpi-workbook: the input is too large for this machine's memory; "
            "split it or lower the limits described in the README's Security section"
        )
        return 1
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code


def _dispatch(args) -> int:
    cmd = args.command
    if cmd == "init":
        from kpi_helpers.data.scaffold import init_data_folder

        path = init_data_folder(Path(args.dir))
        print(f"created {path}; edit the files, then run: kpi-workbook validate --data {path}")
        return 0
    if cmd == "validate":
        from kpi_helpers.data.load import validate_dataset
        from kpi_helpers.data.messages import localized, summary_line
        from kpi_helpers.data.urls import public_url

        ds, problems = validate_dataset(args.data)
        lang = ds.company.language if ds is not None else "en"  # messages follow the company
        for p in problems:
            print(str(localized(p, lang)))
        errors = sum(p.severity == "error" for p in problems)
        print(
            summary_line(public_url(args.data), errors, len(problems) - errors, lang),
            file=sys.stderr,
        )
        return 1 if errors else 0
    if cmd == "sample":
        from kpi_helpers.data.sample import DEFAULT_SEED, write_sample

        seed = DEFAULT_SEED if args.seed is None else args.seed
        out_dir = Path(args.out)
        if out_dir.exists() and not out_dir.is_dir():
            raise KpiWorkbookError(f"--out: {out_dir} is a file, not a folder; choose a folder")
        if out_dir.is_dir() and any(out_dir.iterdir()) and not args.force:
            raise KpiWorkbookError(
                f"{out_dir} already holds files, which the sample would overwrite; choose an "
                "empty folder with --out, or pass --force to replace them"
            )
        if args.pms is None and args.feedback_rows is None:
            out = write_sample(Path(args.out), seed=seed)
            print(f"wrote the sample company to {out}")
            return 0
        from kpi_helpers.data.sample.scale import write_scaled

        pms = args.pms or 6
        if pms < 1 or (args.feedback_rows is not None and args.feedback_rows < 1):
            print("kpi-workbook: --pms and --feedback-rows must be positive", file=sys.stderr)
            return 2
        out = write_scaled(Path(args.out), pms, args.feedback_rows, seed)
        print(f"wrote a company of {pms} product managers to {out}")
        return 0
    import importlib

    return importlib.import_module(f"kpi_helpers.cli.{cmd.replace('-', '_')}").main(args)


if __name__ == "__main__":
    sys.exit(main())
