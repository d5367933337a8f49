"""Command line: `python -m bench generate|run ...`; see `python -m bench --help`."""

from bench.cli import main

raise SystemExit(main())
