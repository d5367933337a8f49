"""The loaders' command line.

    python -m loaders load framework data/frameworks/cabs.csv [--db PATH]
    python -m loaders load staff|evidence|training|acting|mandatory_courses|access FILE [--db PATH]
    python -m loaders check KIND FILE...
    python -m loaders demo [--db PATH] [--staff N] [--seed S] [--as-of DATE] [--folder DIR] [--framework NAME]
    python -m loaders defaults [--db PATH]      (shipped frameworks and mandatory courses only)
    python -m loaders backup DIR [--db PATH]    (EXPORT DATABASE to Parquet)
    python -m loaders restore DIR [--db PATH]   (replace the database with a backup, atomically)
    python -m loaders erase STAFF_ID [--db PATH] (right to erasure: remove a person's personal data)
    python -m loaders audit verify [--db PATH]  (check the view log's hash chain; exit 1 at the first broken link)
    python -m loaders export evidence FILE [--db PATH]  (the whole evidence history, files and product, as evidence.csv)

The database is --db, else $PROGRESSION_DB, else data/progression.duckdb. Exit status: 0 loaded,
1 rejected (every problem is printed with file, row, column, value and rule), 2 bad command.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from tqdm import tqdm

from loaders.database import database_path
from loaders.errors import LoadError, LoadRejected
from loaders.load import KINDS, check_files, load_files


def _progress_bar(description: str):
    bar = tqdm(total=100, desc=description, unit="%", leave=False, disable=not sys.stderr.isatty())

    def update(fraction: float, message: str) -> None:
        bar.set_postfix_str(message, refresh=False)
        bar.update(max(0, round(fraction * 100) - bar.n))

    return bar, update


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m loaders", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    load = commands.add_parser("load", help="validate files, then load them in one transaction")
    load.add_argument("kind", choices=sorted(KINDS))
    load.add_argument("files", nargs="+", type=Path)
    load.add_argument("--db", type=Path, help="database file (default: $PROGRESSION_DB or data/progression.duckdb)")
    check = commands.add_parser("check", help="validate files without writing anything")
    check.add_argument("kind", choices=sorted(KINDS))
    check.add_argument("files", nargs="+", type=Path)
    check.add_argument("--db", type=Path)
    demo = commands.add_parser("demo", help="generate a demo workforce, write its files and load them")
    demo.add_argument("--db", type=Path)
    demo.add_argument("--staff", type=int, default=150)
    demo.add_argument("--seed", type=int, default=2025)
    demo.add_argument("--as-of", type=_date, default=None, help="the demo's 'today' (default: today)")
    demo.add_argument("--folder", type=Path, default=None, help="where to write the files (default: data/demo)")
    demo.add_argument("--framework", action="append", default=None, metavar="NAME",
                      help="the framework the workforce works in, e.g. maldon (repeat for several; "
                           "default: Medway's cabs and customer_relations)")
    defaults = commands.add_parser("defaults", help="load the shipped frameworks and mandatory courses")
    defaults.add_argument("--db", type=Path)
    backup = commands.add_parser("backup", help="export every stored table to an empty folder (Parquet)")
    backup.add_argument("folder", type=Path)
    backup.add_argument("--db", type=Path)
    restore = commands.add_parser("restore", help="replace the database with a backup folder, atomically")
    restore.add_argument("folder", type=Path)
    restore.add_argument("--db", type=Path)
    erase = commands.add_parser("erase", help="remove a person's personal data, keeping anonymous counts")
    erase.add_argument("staff_id")
    erase.add_argument("--db", type=Path)
    audit = commands.add_parser("audit", help="the view log: `audit verify` checks its hash chain")
    audit.add_argument("action", choices=["verify"])
    audit.add_argument("--db", type=Path)
    export = commands.add_parser("export", help="write the whole evidence history (files and product) as evidence.csv")
    export.add_argument("kind", choices=["evidence"])
    export.add_argument("file", type=Path)
    export.add_argument("--db", type=Path)
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    try:
        if arguments.command == "load":
            bar, update = _progress_bar(f"loading {arguments.kind}")
            with bar:
                results = load_files(arguments.kind, arguments.files, arguments.db, progress=update)
            for result in results:
                print(result.summary())
                for note in result.notes:
                    print(f"  note: {note}")
            print(f"database: {database_path(arguments.db)}")
            return 0
        if arguments.command == "check":
            results = check_files(arguments.kind, arguments.files, arguments.db)
            failed = False
            for result in results:
                print(result.summary())
                for problem in result.problems:
                    print(f"  {problem}")
                if result.problem_total > len(result.problems):
                    print(f"  ... and {result.problem_total - len(result.problems)} more")
                failed = failed or bool(result.problems)
            return 1 if failed else 0
        if arguments.command == "demo":
            from loaders.demo import build_demo

            folder = build_demo(arguments.db, staff_count=arguments.staff, seed=arguments.seed,
                                as_of=arguments.as_of, folder=arguments.folder, frameworks=arguments.framework)
            print(f"demo files written to {folder} and loaded into {database_path(arguments.db)}")
            return 0
        if arguments.command == "defaults":
            from loaders.demo import load_shipped_configuration

            load_shipped_configuration(arguments.db)
            print(f"shipped frameworks and mandatory courses loaded into {database_path(arguments.db)}")
            return 0
        if arguments.command in ("backup", "restore", "erase"):
            from loaders import maintenance

            if arguments.command == "backup":
                print(f"backup written to {maintenance.backup(arguments.folder, arguments.db)}")
            elif arguments.command == "restore":
                view_log = maintenance.restore(arguments.folder, arguments.db)
                print(f"{database_path(arguments.db)} restored from {arguments.folder}; {view_log}")
            else:
                replacement = maintenance.erase(arguments.staff_id, arguments.db)
                print(f"personal data of {arguments.staff_id} erased; anonymous records kept as {replacement}")
            return 0
        if arguments.command == "export":
            from loaders import evidence_events

            rows = evidence_events.export(arguments.file, arguments.db)
            print(f"{rows} row(s) of evidence written to {arguments.file} (load it back with "
                  f"`python -m loaders load evidence {arguments.file}`)")
            return 0
        if arguments.command == "audit":
            from loaders import audit

            verdict = audit.verify(arguments.db)
            print(f"{audit.audit_path(arguments.db)}: {verdict}")
            return 0 if verdict.is_intact else 1
    except LoadRejected as rejection:
        print(str(rejection), file=sys.stderr)
        return 1
    except LoadError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 2
