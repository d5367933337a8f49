"""Shared fixtures: real DuckDB files built in tmp_path through the real loaders, and a tiny hand-built warehouse."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from warehouse.build import build_warehouse, refresh_facts  # noqa: E402

FRAMEWORK_FILES = sorted(path for path in (ROOT / "data" / "frameworks").glob("*.csv")
                         if not path.stem.endswith("_roles"))


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


@pytest.fixture(autouse=True)
def _no_default_database(monkeypatch, tmp_path):
    # No test may touch the developer's data/progression.duckdb by accident.
    monkeypatch.setenv("PROGRESSION_DB", str(tmp_path / "default-guard.duckdb"))


@pytest.fixture(scope="session")
def framework_db(tmp_path_factory) -> Path:
    """A database holding the shipped frameworks and mandatory courses, loaded through the real loader."""
    from loaders.load import load_files

    path = tmp_path_factory.mktemp("frameworks") / "frameworks.duckdb"
    load_files("framework", FRAMEWORK_FILES, path)
    load_files("mandatory_courses", [ROOT / "data" / "mandatory_courses.csv"], path)
    return path


@pytest.fixture
def framework_con(framework_db):
    con = duckdb.connect(str(framework_db), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo workforce built through the real loaders (as the app's embedded default is)."""
    from loaders.demo import build_demo

    folder = tmp_path_factory.mktemp("demo")
    path = folder / "demo.duckdb"
    previous = os.environ.get("PROGRESSION_DB")
    build_demo(path, folder=folder / "files", as_of=dt.date.today())
    if previous is not None:
        os.environ["PROGRESSION_DB"] = previous
    return path


def sql_runner(path: Path):
    """Yield a function running one statement on a read-only connection to `path` (rows as tuples); closes it after."""
    con = duckdb.connect(str(path), read_only=True)

    def run(statement: str, parameters: list | dict | None = None) -> list[tuple]:
        return con.execute(statement, parameters or []).fetchall()

    yield run
    con.close()


@pytest.fixture(scope="module")
def sql(demo_db):
    """Run SQL against the demo database: `sql("select ...", [parameters])` gives its rows."""
    yield from sql_runner(demo_db)


@pytest.fixture
def app_db(demo_db, monkeypatch) -> Path:
    """The app reads the demo database (the autouse fixture above points PROGRESSION_DB elsewhere)."""
    monkeypatch.setenv("PROGRESSION_DB", str(demo_db))
    return demo_db


class RefreshingConnection:
    """A connection for tests that write rows by hand: the stored facts are worked out again before the next
    read after a write, as every write through the loaders does (warehouse.build.refresh_facts)."""

    WRITES = ("insert", "update", "delete")

    def __init__(self, con):
        self._con = con
        self._written = False

    def execute(self, statement, parameters=None):
        if statement.lstrip().lower().startswith(self.WRITES):
            self._written = True
        elif self._written:
            self._written = False
            refresh_facts(self._con)
        return self._con.execute(statement, parameters or [])

    def __getattr__(self, name):
        # cursor(), sql(), ...: reads the stored facts through another door, so bring them up to date first.
        if self._written:
            self._written = False
            refresh_facts(self._con)
        return getattr(self._con, name)


class TinyWarehouse:
    """An in-memory warehouse with a two-role framework, for rule tests that insert rows by hand."""

    def __init__(self):
        self.con = RefreshingConnection(duckdb.connect())
        build_warehouse(self.con._con)
        self.con.execute("""
            insert into roles values
                ('OFF', 'fw', 'Officer', 3, null, [], 1),
                ('MGR', 'fw', 'Manager', 5, null, [], 2);
            insert into levels values
                ('OFF', 'A', 'Developing', 1), ('OFF', 'B', 'Practising', 2), ('OFF', 'C', 'Accomplished', 3),
                ('MGR', 'A', 'Developing', 1), ('MGR', 'B', 'Practising', 2);
            insert into criteria values
                ('OFF.A.K1', 'OFF', 'A', 'Knowledge', 1, 'Knows the basics', null, null),
                ('OFF.B.K1', 'OFF', 'B', 'Knowledge', 1, 'Sound knowledge', null, null),
                ('OFF.B.E1', 'OFF', 'B', 'Experience', 1, '12 months at level A', 12, null),
                ('OFF.B.S1', 'OFF', 'B', 'Skills', 1, 'Trains others in administration', null, 'alt'),
                ('OFF.B.S2', 'OFF', 'B', 'Skills', 2, 'Trains others in telephony', null, 'alt'),
                ('OFF.C.K1', 'OFF', 'C', 'Knowledge', 1, 'Expert knowledge', null, null),
                ('OFF.C.E1', 'OFF', 'C', 'Experience', 1, '18 months at level B', 18, null),
                ('MGR.A.K1', 'MGR', 'A', 'Knowledge', 1, 'Management knowledge', null, null),
                ('MGR.A.Q1', 'MGR', 'A', 'Qualifications', 1, 'Leadership course', null, null),
                ('MGR.B.K1', 'MGR', 'B', 'Knowledge', 1, 'Strategic knowledge', null, null);
            insert into mandatory_courses values ('GDPR'), ('Safeguarding');
            insert into framework_rules values ('fw', 24, true, false);
            insert into framework_categories values
                ('fw', 'Qualifications', 1), ('fw', 'Knowledge', 2), ('fw', 'Experience', 3), ('fw', 'Skills', 4);
        """)

    def staff(self, staff_id, level="A", level_start_date="2024-01-01", role_code="OFF", team="Team 1",
              left_on=None, line_manager_id=None, trained=True):
        self.con.execute("insert into staff values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         [staff_id, f"Person {staff_id}", team, line_manager_id, role_code, level,
                          level_start_date, f"{staff_id.lower()}@example.org", left_on])
        if trained:
            for course in ("GDPR", "Safeguarding"):
                self.training(staff_id, course, "2023-06-01")
        return self

    def evidence(self, staff_id, criterion_id, evidence_date, status="approved"):
        self.con.execute("insert into evidence values (?, ?, ?, ?, ?, null, null)",
                         [staff_id, criterion_id, evidence_date, status, None if status == "submitted" else "Assessor"])
        return self

    def training(self, staff_id, course, completed_on, expires_on=None):
        self.con.execute("insert into training values (?, ?, ?, ?)", [staff_id, course, completed_on, expires_on])
        return self

    def acting(self, staff_id, role_code, start_date, end_date=None, kind="acting_up"):
        self.con.execute("insert into acting values (?, ?, ?, ?, ?)", [staff_id, role_code, start_date, end_date, kind])
        return self

    def readiness(self, staff_id, as_of):
        cursor = self.con.execute("select * from readiness_on(?) where staff_id = ?", [as_of, staff_id])
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([column[0] for column in cursor.description], row, strict=True))

    def gaps(self, staff_id, as_of):
        cursor = self.con.execute(
            "select requirement_id, reason, due_date from gaps_on(?) where staff_id = ? order by requirement_id",
            [as_of, staff_id])
        return {requirement: (reason, due) for requirement, reason, due in cursor.fetchall()}


@pytest.fixture
def tiny():
    warehouse = TinyWarehouse()
    yield warehouse
    warehouse.con.close()


@pytest.fixture
def local_admin(monkeypatch):
    """Local administration as `PROGRESSION_LOCAL_ADMIN=1 ./dev start` runs it: the opt-in and a 127.0.0.1 server."""
    from streamlit import config

    monkeypatch.setenv("PROGRESSION_LOCAL_ADMIN", "1")
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield
    config.set_option("server.address", before)
