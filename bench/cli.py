"""Scale benchmark: `python -m bench generate --staff N --db PATH` and `python -m bench run --staff 1000,10000`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path


def _sizes(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="build a synthetic workforce of N people in a new database")
    generate.add_argument("--staff", type=int, required=True, help="number of people")
    generate.add_argument("--db", type=Path, required=True, help="database file to create (replaced if it exists)")
    generate.add_argument("--seed", type=int, default=None, help="same seed and as-of date, same data")
    generate.add_argument("--as-of", type=dt.date.fromisoformat, default=None,
                          help="no date after this one except expiry and end dates (default: today)")

    run = commands.add_parser("run", help="time loaders, views, the pandas peer and the pages at each size")
    run.add_argument("--staff", type=_sizes, default=[1000, 10000, 100000], help="comma-separated sizes")
    run.add_argument("--repeat", type=int, default=5, help="timed runs per step after a warm-up (median)")
    run.add_argument("--seed", type=int, default=None)
    run.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
    run.add_argument("--peer-limit", type=int, default=100000, help="largest size the pandas peer runs at")
    run.add_argument("--full-limit", type=int, default=100000,
                     help="above this size only generate and the views run (loaders, peer and pages take too long)")
    run.add_argument("--skip", default="", help="comma-separated step groups to leave out: loaders,views,peer,pages")
    run.add_argument("--output", type=Path, default=None, help="markdown file for the table (default docs/benchmarks.md)")
    run.add_argument("--no-docs", action="store_true", help="print the table only")
    run.add_argument("--workdir", type=Path, default=None, help="keep the generated databases here")

    step = commands.add_parser("step", help="(internal) one step group, run by `run` in a child process")
    step.add_argument("group")
    step.add_argument("--db", type=Path, required=True)
    step.add_argument("--as-of", type=dt.date.fromisoformat, required=True)
    step.add_argument("--repeat", type=int, default=5)
    step.add_argument("--workdir", type=Path, required=True)
    step.add_argument("--staff", type=int, default=0)
    step.add_argument("--seed", type=int, default=None)

    args = parser.parse_args(argv)
    if args.command == "generate":
        from bench.generate import DEFAULT_SEED
        from bench.generate import generate as build

        counts = build(args.db, args.staff, seed=DEFAULT_SEED if args.seed is None else args.seed,
                       as_of=args.as_of, log=lambda line: print(line, file=sys.stderr))
        print(", ".join(f"{table}: {count:,}" for table, count in counts.items()))
        return 0
    if args.command == "run":
        from bench.run import run_benchmark

        return run_benchmark(args)
    from bench.run import run_step

    return run_step(args)
