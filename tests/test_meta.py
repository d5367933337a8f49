"""House rules that keep the codebase easy to change, checked rather than hoped for."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import duckdb
import pytest

from warehouse.build import build_warehouse, model_files

ROOT = Path(__file__).resolve().parent.parent
SQL_FILES = sorted((ROOT / "warehouse").rglob("*.sql"))


@pytest.mark.parametrize("path", SQL_FILES, ids=[str(path.relative_to(ROOT)) for path in SQL_FILES])
def test_every_sql_file_opens_with_its_grain_and_purpose(path):
    lines = path.read_text().splitlines()
    assert lines[0].startswith("-- grain: "), path
    assert lines[1].startswith("-- purpose: "), path


@pytest.mark.parametrize("path", model_files(), ids=[path.stem for path in model_files()])
def test_one_view_or_macro_per_file_named_after_it(path):
    created = re.findall(r"create or replace (?:view|macro) (\w+)", path.read_text())
    assert created == [path.stem]


def test_every_public_view_and_macro_is_documented():
    documented = (ROOT / "docs" / "sql.md").read_text()
    public = [path.stem for path in model_files() if path.parent.name == "marts"]
    missing = [name for name in public if f"`{name}" not in documented]
    assert missing == []


def test_every_table_is_documented():
    con = duckdb.connect()
    build_warehouse(con)
    tables = [row[0] for row in con.execute(
        "select table_name from information_schema.tables where table_type = 'BASE TABLE'").fetchall()]
    documented = (ROOT / "docs" / "sql.md").read_text()
    assert [table for table in tables if table != "views_fingerprint" and f"`{table}`" not in documented] == []


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("folder", ["warehouse", "loaders"])
def test_data_layer_never_imports_streamlit(folder):
    offenders = [path.name for path in (ROOT / folder).rglob("*.py") if "streamlit" in _imports(path)]
    assert offenders == []


def test_pages_contain_no_sql_and_never_import_duckdb():
    for path in sorted((ROOT / "pages").glob("*.py")):
        assert "duckdb" not in _imports(path), path.name
        text = path.read_text().lower()
        assert not re.search(r"\bselect\b[\s\S]{0,200}\bfrom\b", text), path.name


def test_every_module_has_a_docstring():
    folders = ["warehouse", "loaders", "dashboard", "pages", "bench"]
    missing = [str(path.relative_to(ROOT)) for folder in folders for path in (ROOT / folder).rglob("*.py")
               if path.stat().st_size and ast.get_docstring(ast.parse(path.read_text())) is None]
    assert missing == []


def test_no_database_or_generated_data_is_committed():
    ignored = (ROOT / ".gitignore").read_text()
    assert "*.duckdb" in ignored and "data/demo/" in ignored
