"""House rules that keep the codebase easy to change, checked rather than hoped for."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import duckdb
import pytest

from warehouse.build import build_warehouse, model_files, reads_transitively, stored_facts

ROOT = Path(__file__).resolve().parent.parent
SQL_FILES = sorted((ROOT / "warehouse").rglob("*.sql"))


@pytest.mark.parametrize("path", SQL_FILES, ids=[str(path.relative_to(ROOT)) for path in SQL_FILES])
def test_every_sql_file_opens_with_its_grain_and_purpose(path):
    lines = path.read_text().splitlines()
    assert lines[0].startswith("-- grain: "), path
    assert lines[1].startswith("-- purpose: "), path


@pytest.mark.parametrize("path", model_files(), ids=[path.stem for path in model_files()])
def test_one_view_or_macro_per_file_named_after_it(path):
    created = re.findall(r"create or replace (?:view|macro|table) (\w+)", path.read_text())
    assert created == [path.stem]


def documented_names(text: str) -> set[str]:
    """Names written as code in a doc: `name`, `name(...)` (so `gaps` is not found inside `gaps_on(d)`)."""
    return set(re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)(?:`|\()", text))


def test_every_public_view_and_macro_is_documented():
    documented = documented_names((ROOT / "docs" / "sql.md").read_text())
    public = [path.stem for path in model_files() if path.parent.name == "marts"]
    missing = [name for name in public if name not in documented]
    assert missing == []


def test_documented_names_match_exactly():
    assert documented_names("### `gaps_on(d)` / view `gaps_summary`") == {"gaps_on", "gaps_summary"}
    assert "gaps" not in documented_names("### `gaps_on(d)` / view `gaps_summary`")


def reachable_from_marts() -> set[str]:
    """Every view and macro a mart reads, directly or through others (warehouse.build.reads_transitively)."""
    return reads_transitively({path.stem for path in model_files() if path.parent.name == "marts"})


def rules_doc_files() -> list[str]:
    """The .sql files docs/rules.md names as computing a rule (a bare name is looked up under warehouse/)."""
    return re.findall(r"`((?:warehouse/[a-z_]+/)?[a-z_]+\.sql)`", (ROOT / "docs" / "rules.md").read_text())


def test_rules_doc_names_files_that_exist_and_that_a_mart_reads():
    named = rules_doc_files()
    assert len(named) >= 10
    reachable = reachable_from_marts()
    for name in named:
        matches = [ROOT / name] if "/" in name else sorted((ROOT / "warehouse").rglob(name))
        assert len(matches) == 1 and matches[0].exists(), f"docs/rules.md names {name}, which does not exist"
        assert matches[0].stem in reachable, f"docs/rules.md names {name}, which no mart reads"


def test_stored_facts_are_intermediate_and_never_read_today():
    # A stored fact is worked out when rows are written, so it must not depend on the day it is read.
    files = {path.stem: path for path in model_files()}
    facts = stored_facts()
    assert {files[name].parent.name for name in facts} == {"intermediate"}
    assert {"int_evidence_periods", "int_in_post_periods", "int_target_evidence"} <= set(facts)
    for name in facts:
        for read in reads_transitively({name}):
            text = re.sub(r"--[^\n]*", "", files[read].read_text()).lower()
            assert not re.search(r"current_date|current_timestamp|now\(|today\(", text), (name, read)


def test_every_model_is_read_by_a_mart_or_is_one():
    # Nothing left over that nothing reads.
    assert sorted({path.stem for path in model_files()} - reachable_from_marts()) == []


def test_no_evidence_window_is_written_into_the_sql():
    # The window is each framework's evidence_window_months (framework_rules), read in one file.
    offenders = [str(path.relative_to(ROOT)) for path in (ROOT / "warehouse").rglob("*.sql")
                 if path.parent.name != "migrations"
                 and re.search(r"2 year|interval '2|730", path.read_text(), re.IGNORECASE)]
    assert offenders == []
    # One rule reads each setting; framework_settings only shows it to pages.
    for setting, reader in (("evidence_window_months", "int_evidence_periods"),
                            ("time_criteria_need_training", "int_time_requirement_dates")):
        readers = sorted(path.stem for path in model_files()
                         if path.parent.name != "staging" and setting in path.read_text())
        assert readers == sorted([reader, "framework_settings"])


def test_no_page_writes_the_evidence_window_in_words():
    # A council may set 36 months: words about the window are built from framework_settings (dashboard.settings_words).
    offenders = [str(path.relative_to(ROOT)) for folder in ("pages", "dashboard", "warehouse")
                 for path in (ROOT / folder).rglob("*.*") if path.suffix in (".py", ".sql")
                 and re.search(r"two.years? old|passing two years|over two years|two-year", path.read_text(), re.I)]
    assert offenders == []


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


def test_page_questions_read_marts_only():
    # The pages' query functions read the public interface (marts); staging and intermediate models may change
    # shape without a page noticing.
    marts = {path.stem for path in model_files() if path.parent.name == "marts"}
    inner = {path.stem for path in model_files() if path.parent.name in ("staging", "intermediate")}
    for module in ("warehouse/queries.py", "warehouse/scope.py"):
        text = (ROOT / module).read_text()
        named = set(re.findall(r"\b(?:stg|int)_\w+", text)) & inner
        assert named == set(), f"{module} reads {sorted(named)}: read a mart instead"
    assert {"staff_directory", "evidence_history", "framework_criteria"} <= marts
