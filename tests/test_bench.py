"""The scale benchmark at 1,000 staff: the generator's shape, the pandas peer against readiness_on, every view.

A smoke run with no timing assertions (see docs/benchmarks.md for the numbers). It also holds the
fast paths of the views to the rules: gaps_on against requirement_status_on, and readiness_trend
against readiness_on at each month-end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json

import duckdb
import pytest

from bench import peer
from bench.generate import generate
from bench.run import (
    ANSWER_COPY,
    ANSWER_FLOOR,
    ANSWER_FLOORS,
    FAIR_FLOOR_TARGETS,
    READINESS_FLOOR,
    TABS,
    VIEWS,
    largest_team,
    measure_interleaved,
    page_files,
    page_renders,
    render_report,
    run_step,
    targets,
)

AS_OF = dt.date(2025, 6, 30)
STAFF = 1000


@pytest.fixture(scope="module")
def bench_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench") / "bench.duckdb"
    generate(path, STAFF, seed=11, as_of=AS_OF)
    return path


@pytest.fixture(scope="module")
def con(bench_db):
    connection = duckdb.connect(str(bench_db), read_only=True)
    yield connection
    connection.close()


def one(con, sql: str, parameters=None):
    return con.execute(sql, parameters or []).fetchone()


def test_the_workforce_has_the_promised_shape(con):
    assert one(con, "select count(*), count(distinct staff_id), count(left_on) from staff")[:2] == (STAFF, STAFF)
    # Evidence as the demo has it (one generator): most people have some, a few dozen rows at most.
    people, average, high = one(con, "select count(*), avg(rows), max(rows) from "
                                     "(select count(*) as rows from evidence group by staff_id)")
    assert people > 0.6 * STAFF and 3 <= average <= 30 and high <= 80
    # Nothing is dated after the as-of date except expiry and end dates.
    latest = one(con, """select greatest((select max(level_start_date) from staff), (select max(left_on) from staff),
                                         (select max(evidence_date) from evidence), (select max(completed_on) from training),
                                         (select max(start_date) from acting))""")[0]
    assert latest <= AS_OF
    statuses = dict(con.execute("select status, count(*) from evidence group by status").fetchall())
    assert statuses["approved"] > statuses["submitted"] > 0 and statuses["rejected"] > 0
    old_share = one(con, "select avg((evidence_date <= ?::date - interval 2 year)::int) from evidence", [AS_OF])[0]
    assert 0.05 < old_share < 0.5
    assert one(con, "select count(*) from staff where line_manager_id is not null "
                    "and line_manager_id not in (select staff_id from staff)")[0] == 0
    assert one(con, "select count(*) from staff where line_manager_id is null")[0] == 1
    courses = one(con, "select count(*) from mandatory_courses")[0]
    assert one(con, "select avg((n = ?)::int) from (select count(distinct course) as n from training group by staff_id)",
               [courses])[0] > 0.95
    assert one(con, "select count(*) from training where expires_on <= ?", [AS_OF])[0] > 0
    assert 0.05 < one(con, "select count(distinct staff_id) / 1000 from acting")[0] < 0.15
    assert one(con, "select count(*) from staff where not regexp_full_match(name, 'Person [0-9]{7}')")[0] == 0
    # A mix of every status, so the views have real work to do.
    seen = {row[0] for row in con.execute("select distinct status from readiness_on(?)", [AS_OF]).fetchall()}
    assert seen == {"ready", "ready_on", "not_ready", "top_of_role"}


def test_same_seed_same_data(tmp_path):
    fingerprints = []
    for name in ("first", "second"):
        path = tmp_path / f"{name}.duckdb"
        generate(path, 200, seed=5, as_of=AS_OF)
        connection = duckdb.connect(str(path), read_only=True)
        fingerprints.append(tuple(
            one(connection, f"select count(*), sum(hash(columns(*))) from (select * from {table})")
            for table in ("staff", "evidence", "training", "acting")))
        connection.close()
    assert fingerprints[0] == fingerprints[1]


@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2024, 2, 29), dt.date(2023, 1, 15)])
def test_the_pandas_peer_gives_readiness_on_exactly(con, as_of):
    answer = peer.readiness(peer.read_tables(con), as_of)
    assert len(answer) > 0
    assert peer.compare(answer, peer.readiness_from_sql(con, as_of)) == []


def test_the_peer_follows_every_rule_case():
    import test_readiness_rules as rules
    from conftest import TinyWarehouse

    for name, setup, _expected, _gaps in rules.CASES:
        warehouse = TinyWarehouse()
        setup(warehouse)
        sql = peer.readiness_from_sql(warehouse.con, rules.D)
        assert peer.compare(peer.readiness(peer.read_tables(warehouse.con), rules.D), sql) == [], name
        warehouse.con.close()


@pytest.mark.parametrize("view", list(VIEWS))
def test_every_view_runs(con, view):
    rows = one(con, f"select count(*) from ({VIEWS[view]})", {"d": AS_OF})[0]
    assert rows > 0


def test_gaps_are_the_unmet_requirements(con):
    # gaps_on takes a faster path than requirement_status_on; both must say the same.
    difference = one(con, """
        select count(*) from (
            (select staff_id, requirement_id, reason, due_date, oldest_submitted_date from gaps_on($d)
             except all
             select staff_id, requirement_id, reason, due_date, oldest_submitted_date
             from int_requirement_status_on([$d]) where not is_met)
            union all
            (select staff_id, requirement_id, reason, due_date, oldest_submitted_date
             from int_requirement_status_on([$d]) where not is_met
             except all
             select staff_id, requirement_id, reason, due_date, oldest_submitted_date from gaps_on($d))
        )""", {"d": AS_OF})[0]
    assert difference == 0


def test_the_trend_matches_readiness_on_at_each_month_end(con):
    # readiness_trend works on bitmasks of dates; readiness_on works one date at a time.
    month_ends = [dt.date(2024, 12, 31), dt.date(2025, 2, 28), dt.date(2025, 5, 31)]
    trend = con.execute("""
        select month_end, team, range, ready, ready_on, not_ready, top_of_role, staff_in_post
        from readiness_trend(?, ?) where month_end in (select unnest(?::date[])) order by all""",
                        [dt.date(2024, 12, 1), dt.date(2025, 5, 31), month_ends]).fetchall()
    expected = []
    for month_end in month_ends:
        expected += con.execute("""
            select ?::date, team, range, count(*) filter (where status = 'ready'),
                   count(*) filter (where status = 'ready_on'), count(*) filter (where status = 'not_ready'),
                   count(*) filter (where status = 'top_of_role'), count(*)
            from readiness_on(?) group by team, range""", [month_end, month_end]).fetchall()
    assert trend == sorted(expected)


def test_the_harness_runs_the_views_and_the_peer(bench_db, tmp_path, capsys):
    rows = []
    for group in ("views", "peer"):
        arguments = argparse.Namespace(group=group, db=bench_db, as_of=AS_OF, repeat=1, workdir=tmp_path)
        assert run_step(arguments) == 0
        rows += [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    steps = {row["step"]: row for row in rows}
    assert set(VIEWS) <= set(steps)
    assert steps["peer check"]["note"].startswith("identical")
    assert steps["polars peer check"]["note"].startswith("identical")
    assert "DuckDB threads" in steps["floor: readiness (fair)"]["note"]
    for name in FAIR_FLOOR_TARGETS:  # each held to the fair floor has its answer's copy timed beside it, same rows
        rows_of_view = steps[name]["note"].removesuffix(" rows")
        assert steps[f"{ANSWER_COPY}{name}"]["note"].startswith(f"{rows_of_view} rows of "), name
    for name in ANSWER_FLOORS:  # each answer floor is timed and compared with the fair floor
        assert steps[f"{ANSWER_FLOOR}{name}"]["floor"] == READINESS_FLOOR, name
    assert steps[f"{ANSWER_FLOOR}readiness_on"]["note"].startswith(steps["readiness_on"]["note"])  # same people
    results = {"1000": {"size": 1000, "as_of": AS_OF.isoformat(), "seed": 11, "repeat": 1, "rows": rows},
               "machine": {"cores": 2, "cpu": "test", "memory_gib": 1, "python": "3", "duckdb": "2", "pandas": "3"}}
    report = render_report(results)
    assert "| 1,000 | readiness_on |" in report
    assert all(verdict == "not measured" or verdict.startswith("not measured") for _, _, verdict in targets(results))


def test_the_views_are_timed_side_by_side():
    calls = []

    def action(name):
        def run():
            calls.append(name)
            if name == "broken":
                raise MemoryError("out of memory")
        return run

    warmed = []
    results = measure_interleaved({name: action(name) for name in ("floor", "view", "broken")}, repeat=3,
                                  after_warm_up=warmed.append)
    # One warm-up each, then rounds of one run each: a drift of the machine's speed reaches both alike.
    assert calls == ["floor", "view", "broken"] + ["floor", "view"] * 3
    assert warmed == ["floor", "view"]
    assert len(results["view"]["runs"]) == 3 and results["view"]["seconds"] >= 0
    assert results["broken"]["error"] == "MemoryError: out of memory" and "seconds" not in results["broken"]


def test_the_answer_floors_have_their_views_grain(con):
    def answer(name):
        return f"({ANSWER_FLOORS[name].replace('$d', '$as_of')})"

    parameters = {"as_of": AS_OF}
    # The readiness answer floor has a row for each person readiness_on has, and no one else.
    difference = one(con, f"""
        select count(*) from (
            (select staff_id from {answer('readiness_on')} except all select staff_id from readiness_on($as_of))
            union all
            (select staff_id from readiness_on($as_of) except all select staff_id from {answer('readiness_on')}))""",
                     parameters)[0]
    assert difference == 0
    # The blockers answer floor counts the gaps answer floor's rows, and those rows are people in post's.
    counted, gap_rows = one(con, f"select sum(people_missing), (select count(*) from {answer('gaps_on')}) "
                                 f"from {answer('blockers_on')}", parameters)
    assert counted == gap_rows > 0
    strangers = one(con, f"select count(*) from {answer('gaps_on')} where staff_id not in "
                         f"(select staff_id from readiness_on($as_of))", parameters)[0]
    assert strangers == 0


@pytest.mark.parametrize("view_ratio, answer_floor_ratio, expected", [
    (1.4, 1.2, "met"),
    (1.7, 1.2, "NOT met"),
    (1.7, 1.6, "NOT met; blocked: its answer floor alone is 1.6x"),
])
def test_a_target_is_blocked_only_when_its_answer_floor_misses_it(view_ratio, answer_floor_ratio, expected):
    rows = [{"step": READINESS_FLOOR, "seconds": 1.0}, {"step": "readiness_on", "seconds": view_ratio},
            {"step": f"{ANSWER_FLOOR}readiness_on", "seconds": answer_floor_ratio}]
    results = {"100000": {"size": 100_000, "rows": rows}}
    found = {target: verdict for target, _, verdict in targets(results)}
    assert found["readiness_on within 1.5x the fair floor at 100,000 staff (issue 18)"] == expected


def test_the_harness_renders_every_page_and_opens_every_lazy_tab(bench_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PROGRESSION_DB", str(bench_db))
    arguments = argparse.Namespace(group="pages", db=bench_db, as_of=AS_OF, repeat=1, workdir=tmp_path)
    assert run_step(arguments) == 0
    rows = {row["step"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert set(rows) == {step for step, _, _ in page_renders(largest_team(bench_db))}
    assert len(rows) == len(page_files()) + 1 + sum(len(labels) for _, labels in TABS.values())
    failed = {step: row["note"] for step, row in rows.items() if row.get("seconds") is None}
    assert not failed
