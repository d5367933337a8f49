"""Scale benchmark: `python -m bench generate --staff N --db PATH`, `python -m bench run --staff 1000,10000`,
and the load benchmark `python -m bench load --users 1,10,30 --page overview --db PATH`."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path


def _sizes(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def _words(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


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

    load = commands.add_parser("load", help="many users opening a page at once, over Streamlit's websocket protocol")
    load.add_argument("--db", type=Path, required=True, help="the database to serve (not changed)")
    load.add_argument("--users", type=_sizes, default=[1, 10, 30], help="comma-separated numbers of users at once")
    load.add_argument("--page", default="overview", help="overview, team, person, blockers, succession or framework")
    load.add_argument("--query", default="", help="query string for the page, e.g. 'team=Blue Badge' (URL-encoded)")
    load.add_argument("--opens", type=int, default=3, help="opens per user, each on a new connection")
    load.add_argument("--cache", type=_words, default=["warm", "cold"], help="warm,cold (each a fresh server)")
    load.add_argument("--viewers", type=_words, default=["admin"],
                      help="admin (everyone the same administrator) and/or managers (each a different signed-in manager)")
    load.add_argument("--workers", type=_sizes, default=None,
                      help="Streamlit processes behind nginx, comma-separated to compare (default: one per core)")
    load.add_argument("--streamlit", default="",
                      help="extra Streamlit options for the server, e.g. '--server.fileWatcherType auto' (to compare)")
    load.add_argument("--timeout", type=float, default=120, help="seconds before an open counts as failed")
    load.add_argument("--label", default=None, help="the database's name in the table (default: from its contents)")
    load.add_argument("--output", type=Path, default=None, help="markdown file for the table (default docs/benchmarks.md)")
    load.add_argument("--no-docs", action="store_true", help="print the table only")

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
    if args.command == "load":
        from bench.load import run_load
        from deploy.serve import cores

        args.workers = args.workers or [cores()]
        unknown = [word for word in args.cache if word not in ("warm", "cold")] + \
                  [word for word in args.viewers if word not in ("admin", "managers")]
        if unknown or min(args.users, default=0) < 1 or args.opens < 1:
            parser.error(f"load: check --cache (warm,cold), --viewers (admin,managers), --users and --opens {unknown}")
        return run_load(args)
    if args.command == "run":
        from bench.run import run_benchmark

        return run_benchmark(args)
    from bench.run import run_step

    return run_step(args)
