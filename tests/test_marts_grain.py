"""Each mart's grain: its key is unique and never null, on the demo workforce at several dates."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest

from warehouse.build import model_files, refresh_facts

TODAY = dt.date.today()
DATES = [TODAY - dt.timedelta(days=700), TODAY - dt.timedelta(days=200), TODAY, TODAY + dt.timedelta(days=150)]
# mart: (the call, its key). A scalar macro has no rows; every other mart must be listed here.
GRAINS = {
    "staff_in_post_on": ("staff_in_post_on($d)", ["staff_id"]),
    "readiness_on": ("readiness_on($d)", ["staff_id"]),
    "readiness": ("readiness", ["staff_id"]),
    "gaps_on": ("gaps_on($d)", ["staff_id", "requirement_id"]),
    "gaps": ("gaps", ["staff_id", "requirement_id"]),
    "requirement_status_on": ("requirement_status_on($d)", ["staff_id", "requirement_id"]),
    "evidence_expiring_on": ("evidence_expiring_on($d, 400)", ["staff_id", "requirement_id"]),
    "tenure_completing_on": ("tenure_completing_on($d, 400)", ["staff_id", "requirement_id"]),
    "blockers_on": ("blockers_on($d)", ["team", "requirement_id"]),
    "blockers": ("blockers", ["team", "requirement_id"]),
    "blockers_on (whole scope)": ("blockers_on($d, by_team := false)", ["requirement_id"]),
    "succession_on": ("succession_on($d)", ["role_code", "staff_id"]),
    "succession": ("succession", ["role_code", "staff_id"]),
    "succession_summary_on": ("succession_summary_on($d)", ["role_code"]),
    "succession_summary": ("succession_summary", ["role_code"]),
    "readiness_history": ("readiness_history($d - interval 30 month, $d)", ["month_end", "staff_id"]),
    "readiness_history_blocks": ("readiness_history_blocks($d - interval 100 month, $d)", ["staff_id", "chunk"]),
    "readiness_trend": ("readiness_trend($d - interval 30 month, $d)", ["month_end", "team", "range"]),
    "readiness_status_trend": ("readiness_status_trend($d - interval 30 month, $d)", ["month_end", "status"]),
    "visible_staff": ("visible_staff('admin', null)", ["staff_id"]),
    "viewer_access": ("viewer_access((select min(email) from staff))", ["email"]),
    "access_status": ("access_status", ["email"]),
    "incomplete_criteria": ("incomplete_criteria", ["criterion_id"]),
    "mandatory_training_on": ("mandatory_training_on($d)", ["staff_id", "course"]),
    "training_expiring_on": ("training_expiring_on($d, 400)", ["staff_id", "course"]),
    "keep_in_date_settings": ("keep_in_date_settings", ["training_expiring_days"]),
    # A training renewal has no requirement: its course (in `criterion`) tells it apart.
    "next_actions_on": ("(select *, coalesce(requirement_id, criterion) as action from next_actions_on($d))",
                        ["staff_id", "kind", "action"]),
    "succession_history": ("succession_history($d - interval 30 month, $d)", ["month_end", "role_code", "staff_id"]),
    "framework_roles": ("framework_roles", ["role_code"]),
    "framework_levels": ("framework_levels", ["role_code", "level"]),
    "framework_criteria": ("framework_criteria", ["criterion_id"]),
    "criteria_categories": ("criteria_categories", ["framework", "category"]),
    "framework_settings": ("framework_settings", ["framework"]),
    "staff_directory": ("staff_directory", ["staff_id"]),
    "evidence_history": ("evidence_history", ["staff_id", "criterion_id", "evidence_date"]),
    "acting_periods": ("acting_periods", ["staff_id", "start_date"]),
    "month_ends": ("month_ends($d - interval 30 month, $d)", ["month_end"]),
    "scope_on": ("scope_on($d, 'admin', null, null, [], [])", ["staff_id"]),
    "career_gap_on": ("career_gap_on($d, (select min(staff_id) from readiness_on($d)), 'CBSO', 'B')", ["requirement_id"]),
    "level_comparison": ("level_comparison('CBSO', 'B', 'CRO', 'B', true)", ["side", "criterion_id"]),
    "evidence_rights": ("evidence_rights('admin', (select min(staff_id) from staff))", ["staff_id"]),
    "submittable_criteria": ("submittable_criteria($d)", ["staff_id", "criterion_id"]),
    "evidence_waiting_on": ("evidence_waiting_on($d)", ["staff_id", "criterion_id", "evidence_date"]),
    "evidence_conflicts": ("evidence_conflicts", ["staff_id", "criterion_id", "evidence_date"]),
}
SCALAR_MACROS = {"wording_tokens", "wording_similarity", "wording_match_threshold"}


def test_every_mart_has_a_grain_to_check():
    marts = {path.stem for path in model_files() if path.parent.name == "marts"}
    assert sorted(marts - SCALAR_MACROS - set(GRAINS)) == []


@pytest.fixture(scope="module")
def demo_con(demo_db, tmp_path_factory):
    # A copy of the demo with an access list (the demo itself needs none), so access_status has rows to check.
    path = tmp_path_factory.mktemp("grain") / "demo.duckdb"
    shutil.copy(demo_db, path)
    con = duckdb.connect(str(path))
    con.execute("""insert into access (email, access_role)
                   select upper(email), 'manager' from staff where email is not null order by staff_id limit 20""")
    # Two product decisions on submitted evidence, then a file that reverses them: evidence_conflicts has rows.
    con.execute("""insert into evidence_events (event_id, staff_id, criterion_id, evidence_date, status, assessor,
                                                decided_on, recorded_at)
                   select 'e' || row_number() over (), staff_id, criterion_id, evidence_date, 'approved', 'A Manager',
                          current_date, current_timestamp
                   from (select * from evidence where status = 'submitted' order by all limit 2)""")
    con.execute("""update evidence set status = 'rejected', assessor = 'HR' where (staff_id, criterion_id, evidence_date)
                   in (select (staff_id, criterion_id, evidence_date) from evidence_events)""")
    refresh_facts(con)  # as every write through the loaders does
    yield con
    con.close()


@pytest.mark.parametrize("mart", sorted(GRAINS))
def test_key_is_unique_and_not_null(demo_con, mart):
    call, key = GRAINS[mart]
    columns = ", ".join(key)
    rows_seen = 0
    for d in DATES if "$d" in call else [TODAY]:
        sql = call.replace("$d", f"date '{d.isoformat()}'")
        rows, keys, null_keys = demo_con.execute(
            f"select count(*), count(distinct ({columns})), count(*) filter (where {' or '.join(f'{c} is null' for c in key)}) "
            f"from {sql}").fetchone()
        assert (keys, null_keys) == (rows, 0), (mart, d)
        rows_seen += rows
    # Some dates may rightly have no rows (no succession candidate two years ago); the check needs some.
    assert rows_seen > 0, mart
