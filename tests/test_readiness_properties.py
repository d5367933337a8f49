"""Invariants of the readiness rules, checked on generated workforces with hypothesis."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import TinyWarehouse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

D = dt.date(2025, 6, 1)
EVIDENCE_CRITERIA = ["OFF.B.K1", "OFF.B.S1", "OFF.B.S2", "OFF.C.K1", "MGR.B.K1", "OFF.A.K1"]

days = st.integers(min_value=-1200, max_value=30).map(lambda offset: D + dt.timedelta(days=offset))
people = st.lists(
    st.fixed_dictionaries({
        "level": st.sampled_from(["A", "B", "C"]),
        "start": days,
        "left": st.one_of(st.none(), days),
        "trained": st.booleans(),
        "evidence": st.lists(st.tuples(st.sampled_from(EVIDENCE_CRITERIA), days,
                                       st.sampled_from(["approved", "submitted", "rejected"])), max_size=6),
        "acting": st.lists(st.tuples(st.sampled_from(["OFF", "MGR"]), days, st.one_of(st.none(), st.integers(0, 400))),
                           max_size=2),
        "team": st.sampled_from(["North", "South"]),
    }),
    min_size=1, max_size=6,
)


@pytest.fixture(scope="module")
def warehouse():
    tiny = TinyWarehouse()
    yield tiny
    tiny.con.close()


def populate(tiny: TinyWarehouse, workforce) -> None:
    for table in ("staff", "evidence", "training", "acting"):
        tiny.con.execute(f"delete from {table}")
    for number, person in enumerate(workforce):
        staff_id = f"S{number}"
        tiny.staff(staff_id, level=person["level"], level_start_date=person["start"], left_on=person["left"],
                   team=person["team"], trained=person["trained"])
        seen = set()
        for criterion_id, date, status in person["evidence"]:
            if (criterion_id, date) not in seen:
                seen.add((criterion_id, date))
                tiny.evidence(staff_id, criterion_id, date, status)
        starts = set()
        for role_code, start, length in person["acting"]:
            if (role_code, start) not in starts:
                starts.add((role_code, start))
                tiny.acting(staff_id, role_code, start, None if length is None else start + dt.timedelta(days=length))


PROPERTY_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY_SETTINGS
@given(workforce=people)
def test_met_plus_missing_is_total_and_ready_means_no_gaps(warehouse, workforce):
    populate(warehouse, workforce)
    rows = warehouse.con.execute(
        "select staff_id, status, requirements_met, requirements_missing, requirements_total from readiness_on(?)",
        [D]).fetchall()
    gapped = {row[0] for row in warehouse.con.execute("select distinct staff_id from gaps_on(?)", [D]).fetchall()}
    for staff_id, status, met, missing, total in rows:
        assert met + missing == total
        if status in ("ready", "top_of_role"):
            assert staff_id not in gapped
        else:
            assert staff_id in gapped
    missing_rows = warehouse.con.execute("select count(*) from gaps_on(?)", [D]).fetchone()[0]
    assert missing_rows == sum(row[3] for row in rows)


@PROPERTY_SETTINGS
@given(workforce=people)
def test_blockers_add_up_to_gaps(warehouse, workforce):
    populate(warehouse, workforce)
    blockers = warehouse.con.execute("""
        select coalesce(sum(people_blocked), 0),
               coalesce(sum(reason_tenure + reason_training + reason_awaiting_signoff + reason_expired
                            + reason_rejected + reason_no_evidence), 0),
               coalesce(sum(only_blocker), 0)
        from blockers_on(?)""", [D]).fetchone()
    gaps = warehouse.con.execute("select count(*) from gaps_on(?)", [D]).fetchone()[0]
    only = warehouse.con.execute(
        "select count(*) from readiness_on(?) where requirements_missing = 1", [D]).fetchone()[0]
    assert blockers == (gaps, gaps, only)
    # Team by team and requirement by requirement, each count is gaps_on's rows counted, reason by reason.
    columns = ("people_blocked, only_blocker, reason_tenure, reason_training, reason_awaiting_signoff, "
               "reason_expired, reason_rejected, reason_no_evidence")
    counted_from_gaps = warehouse.con.execute("""
        select team, requirement_id, category, criterion, count(*), count(*) filter (where is_only_blocker),
               count(*) filter (where reason = 'tenure'), count(*) filter (where reason = 'training'),
               count(*) filter (where reason = 'awaiting_signoff'), count(*) filter (where reason = 'expired'),
               count(*) filter (where reason = 'rejected'), count(*) filter (where reason = 'no_evidence')
        from gaps_on(?) group by all order by all""", [D]).fetchall()
    assert warehouse.con.execute(
        f"select team, requirement_id, category, criterion, {columns} from blockers_on(?) order by all",
        [D]).fetchall() == counted_from_gaps
    # gaps_on's is_only_blocker is readiness_on's "one requirement missing", person by person.
    assert warehouse.con.execute("""
        select count(*) from gaps_on(?) as gaps join readiness_on(?) as readiness using (staff_id)
        where gaps.is_only_blocker <> (readiness.requirements_missing = 1)""", [D, D]).fetchone()[0] == 0
    # Over the whole scope (the Blockers page's ranking) the counts are the team rows added up.
    columns = ("people_blocked, only_blocker, reason_tenure, reason_training, reason_awaiting_signoff, "
               "reason_expired, reason_rejected, reason_no_evidence")
    summed = warehouse.con.execute(
        f"select requirement_id, {', '.join(f'sum({name})::bigint' for name in columns.split(', '))} "
        "from blockers_on(?) group by requirement_id order by requirement_id", [D]).fetchall()
    whole = warehouse.con.execute(
        f"select requirement_id, {columns} from blockers_on(?, by_team := false) order by requirement_id",
        [D]).fetchall()
    assert whole == summed


@PROPERTY_SETTINGS
@given(workforce=people, extra=st.lists(st.tuples(st.integers(0, 5), st.sampled_from(EVIDENCE_CRITERIA),
                                                  st.integers(0, 700)), min_size=1, max_size=4))
def test_adding_current_approved_evidence_never_lowers_requirements_met(warehouse, workforce, extra):
    populate(warehouse, workforce)
    query = "select staff_id, requirements_met, status from readiness_on(?) order by staff_id"
    before = {staff_id: (met, status) for staff_id, met, status in warehouse.con.execute(query, [D]).fetchall()}
    for person, criterion_id, age in extra:
        staff_id = f"S{person % len(workforce)}"
        date = D - dt.timedelta(days=age)
        warehouse.con.execute("delete from evidence where staff_id = ? and criterion_id = ? and evidence_date = ?",
                              [staff_id, criterion_id, date])
        warehouse.evidence(staff_id, criterion_id, date, "approved")
    after = {staff_id: (met, status) for staff_id, met, status in warehouse.con.execute(query, [D]).fetchall()}
    assert before.keys() == after.keys()
    for staff_id, (met, status) in before.items():
        assert after[staff_id][0] >= met
        if status == "ready":
            assert after[staff_id][1] == "ready"


@PROPERTY_SETTINGS
@given(workforce=people, days_ahead=st.integers(0, 800))
def test_evidence_expiring_is_requirement_status_filtered_to_evidence_that_turns_two_soon(warehouse, workforce,
                                                                                          days_ahead):
    # evidence_expiring_on reads approved evidence only (fast for the Team page); it must give exactly the
    # rows of the full requirement status filtered by the rule it stands for.
    populate(warehouse, workforce)
    expiring = warehouse.con.execute(
        "select staff_id, requirement_id, criterion, evidence_expires_date from evidence_expiring_on(?, ?) order by all",
        [D, days_ahead]).fetchall()
    expected = warehouse.con.execute("""
        select staff_id, requirement_id, criterion, evidence_expires_date from requirement_status_on(?)
        where is_met and not is_time_based and evidence_expires_date <= (?::date + to_days(?))::date
        order by all""", [D, D, days_ahead]).fetchall()
    assert expiring == expected


@pytest.fixture(scope="module")
def mixed_warehouse():
    # An any-of requirement with a time-based and an evidenced member: none of the shipped frameworks
    # has one, but the rules allow it.
    tiny = TinyWarehouse()
    tiny.con.execute("""
        insert into criteria values
            ('OFF.B.E2', 'OFF', 'B', 'Experience', 2, '6 months acting up', 6, 'mixed'),
            ('OFF.B.E3', 'OFF', 'B', 'Experience', 3, 'Led a project', null, 'mixed')
    """)
    yield tiny
    tiny.con.close()


@PROPERTY_SETTINGS
@given(workforce=people, days_ahead=st.integers(0, 800), mixed=st.booleans())
def test_tenure_completing_is_gaps_filtered_to_tenure_due_soon(warehouse, mixed_warehouse, workforce, days_ahead,
                                                               mixed):
    # tenure_completing_on works from dates (fast for the Team page); it must give exactly the rows of
    # gaps_on held back by tenure and due within the window.
    tiny = mixed_warehouse if mixed else warehouse
    populate(tiny, workforce)
    if mixed:
        for number, person in enumerate(workforce):
            for _criterion_id, evidence_date, status in person["evidence"][:1]:
                tiny.evidence(f"S{number}", "OFF.B.E3", evidence_date, status)
    completing = tiny.con.execute(
        "select staff_id, requirement_id, criterion, due_date from tenure_completing_on(?, ?) order by all",
        [D, days_ahead]).fetchall()
    expected = tiny.con.execute("""
        select staff_id, requirement_id, criterion, due_date from gaps_on(?)
        where reason = 'tenure' and due_date <= (?::date + to_days(?))::date
        order by all""", [D, D, days_ahead]).fetchall()
    assert completing == expected


@PROPERTY_SETTINGS
@given(workforce=people, window=st.sampled_from([12, 24, 36]), need_training=st.booleans())
def test_the_history_gives_readiness_on_at_every_month_end(warehouse, workforce, window, need_training):
    # The trend turns the same periods into one bit per month-end (int_readiness_history_blocks); on each
    # month-end it must give exactly readiness_on's status, whatever the framework's rules.
    populate(warehouse, workforce)
    warehouse.con.execute("update framework_rules set evidence_window_months = ?, time_criteria_need_training = ?",
                          [window, need_training])
    try:
        start, stop = D - dt.timedelta(days=800), D + dt.timedelta(days=60)
        history = warehouse.con.execute(
            "select month_end, staff_id, status from readiness_history(?, ?) order by all", [start, stop]).fetchall()
        # int_readiness_on is readiness_on for a list of dates (readiness_on(d) is it on [d]).
        expected = warehouse.con.execute(
            "select as_of_date, staff_id, status from int_readiness_on(int_month_ends(?, ?)) order by all",
            [start, stop]).fetchall()
        assert history == expected
    finally:
        warehouse.con.execute("update framework_rules set evidence_window_months = 24, time_criteria_need_training = true")
