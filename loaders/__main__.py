"""Command line: `python -m loaders load|check|demo ...`; see `python -m loaders --help`."""

from loaders.cli import main

raise SystemExit(main())
