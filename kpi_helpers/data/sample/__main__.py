"""`python -m kpi_helpers.data.sample [--out DIR] [--seed N]`: regenerate the sample data folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kpi_helpers.data.sample import DEFAULT_SEED, write_sample


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kpi_helpers.data.sample", description=__doc__)
    parser.add_argument("--out", default="data", help="folder to write (default: data)")
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default: {DEFAULT_SEED})"
    )
    args = parser.parse_args(argv)
    if args.seed < 0:
        parser.error("--seed must be a non-negative integer")
    out = write_sample(Path(args.out), seed=args.seed)
    print(f"wrote the sample company to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
