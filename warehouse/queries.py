"""The questions pages ask, one small named function each, always scoped to the viewer.

Every function takes a `Viewer` and applies the `visible_staff` macro in SQL, so page code cannot ask
for unscoped personal data. User input arrives only as query parameters, never in the SQL text.
The rules themselves live in the warehouse's SQL files; these functions filter, group and sort.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from warehouse.kept import kept_sql

# Viewer and Filters live in warehouse.scope; re-exported for the pages and tests that import them from here.
from warehouse.scope import ACCESS_ROLES, NOBODY, Filters, Viewer  # noqa: F401

STATUSES = ("ready", "ready_on", "not_ready", "top_of_role")


# Readiness first: ready now, then by ready date, then the rest.
READINESS_ORDER = """
    case status when 'ready' then 1 when 'ready_on' then 2 when 'not_ready' then 3 else 4 end,
    ready_date nulls last, requirements_missing nulls last
"""


def _parameters(viewer: Viewer, filters: Filters | None = None, **extra) -> dict:
    parameters = {"viewer_role": viewer.access_role, "viewer_staff_id": viewer.staff_id}
    if filters is not None:
        parameters.update(
            as_of=filters.as_of,
            framework=filters.framework,
            teams=list(filters.teams),
            ranges=[int(value) for value in filters.ranges],
        )
    parameters.update(extra)
    return parameters


def _scoped(name: str, source: str) -> str:
    """A CTE `name`: the rows of `source` about people the viewer may see, matching the filters (the mart
    scope_on: people in post on the as-of date, so `source` must be about that date)."""
    return f"""
    {name} as (
        select source.*
        from {source} as source
        semi join scope_on($as_of, $viewer_role, $viewer_staff_id, $framework, $teams, $ranges) using (staff_id)
    )
"""


# Every personal-data query starts from one of these. SCOPED_STAFF is for lists that need to know only
# who is in post (it does not work readiness out).
SCOPED_READINESS = _scoped("scoped_readiness", "readiness_on($as_of)")
SCOPED_STAFF = _scoped("scoped_staff", "staff_in_post_on($as_of)")
SCOPED_GAPS = _scoped("scoped_gaps", "gaps_on($as_of)")


def _frame(con: duckdb.DuckDBPyConnection, sql: str, parameters: dict) -> pd.DataFrame:
    # One cursor per query: a shared connection is not safe across Streamlit's threads.
    cursor = con.cursor()
    try:
        return cursor.execute(sql, parameters).df()
    finally:
        cursor.close()


def _used(sql: str, parameters: dict) -> dict:
    # DuckDB refuses named parameters the statement does not use.
    return {name: value for name, value in parameters.items() if f"${name}" in sql}


def query(con, sql: str, parameters: dict) -> pd.DataFrame:
    # A server connection reads readiness_on, gaps_on and evidence_waiting_on for everyone from files the server
    # keeps (warehouse/kept.py); if one was removed under the question (a load, or making room), the marts answer.
    kept = kept_sql(con, sql, parameters)
    if kept != sql:
        try:
            return _frame(con, kept, _used(kept, parameters))
        except duckdb.IOException:
            pass
    return _frame(con, sql, _used(sql, parameters))


def viewer_for_email(con, email: str | None) -> Viewer:
    """Resolve a signed-in email to a Viewer; an email matching nobody gets no access at all."""
    if not email:
        return NOBODY
    frame = query(con, "select * from viewer_access($email)", {"email": email})
    if frame.empty:
        return Viewer(email, None, None)
    row = frame.iloc[0]
    staff_id = row["staff_id"] if isinstance(row["staff_id"], str) else None
    return Viewer(email, row["access_role"], staff_id)


def filter_options(con, viewer: Viewer, framework: str | None = None) -> dict[str, list]:
    """Frameworks, teams and ranges the viewer can choose from (only those inside their scope)."""
    sql = """
        select distinct staff.framework, staff.team, staff.range
        from staff_directory as staff
        join visible_staff($viewer_role, $viewer_staff_id) using (staff_id)
        where staff.is_current
    """
    frame = query(con, sql, _parameters(viewer))
    frameworks = sorted(frame["framework"].unique().tolist())
    if framework:
        frame = frame[frame["framework"] == framework]
    return {
        "frameworks": frameworks,
        "teams": sorted(frame["team"].unique().tolist()),
        "ranges": sorted(int(value) for value in frame["range"].unique()),
    }


def overview_figures(con, viewer: Viewer, filters: Filters) -> dict:
    """The Overview in one pass over readiness (grouping sets): its headline figures (`headline`, a dict: the people
    in post, split into the four statuses, and two other measures) and the people per status by team (`team`) and
    by range (`range`)."""
    sql = f"""
        with {SCOPED_READINESS},
        awaiting as (
            select count(*) as evidence_awaiting_signoff
            from evidence_waiting_on($as_of) as waiting
            semi join scoped_readiness using (staff_id)
        )
        select
            grouping(team, range, status) as grouping_id,
            team,
            range,
            status,
            count(scoped_readiness.staff_id) as people,
            count(*) filter (where status = 'ready') as ready_now,
            count(*) filter (where status = 'ready_on') as ready_on,
            count(*) filter (where status = 'not_ready') as not_ready,
            count(*) filter (where status = 'top_of_role') as top_of_role,
            any_value(awaiting.evidence_awaiting_signoff) as evidence_awaiting_signoff,
            count(*) filter (where not training_ok) as expired_mandatory_training,
        from awaiting
        left join scoped_readiness on true
        group by grouping sets ((team, status), (range, status), ())
        order by grouping_id, team, range, status
    """
    frame = query(con, sql, _parameters(viewer, filters))
    # grouping() sets a bit per column aggregated away: 2 = by team, 4 = by range, 7 = everyone.
    total = frame[frame["grouping_id"] == 7].iloc[0]
    by_team = frame[(frame["grouping_id"] == 2) & frame["status"].notna()]
    by_range = frame[(frame["grouping_id"] == 4) & frame["status"].notna()]
    counts = ("ready_now", "ready_on", "not_ready", "top_of_role",
              "evidence_awaiting_signoff", "expired_mandatory_training")
    return {
        "headline": {"staff_in_post": int(total["people"]),
                     **{name: int(0 if pd.isna(total[name]) else total[name]) for name in counts}},
        "team": by_team[["team", "status", "people"]].reset_index(drop=True),
        "range": by_range[["range", "status", "people"]].astype({"range": "int32"}).reset_index(drop=True),
    }


def status_counts(con, viewer: Viewer, filters: Filters, by: str) -> pd.DataFrame:
    """People per readiness status, by team or by range."""
    if by not in ("team", "range", "role_title"):
        raise ValueError(f"cannot group by {by!r}")
    sql = f"""
        with {SCOPED_READINESS}
        select {by}, status, count(*) as people
        from scoped_readiness
        group by {by}, status
        order by {by}, status
    """
    return query(con, sql, _parameters(viewer, filters))


def readiness_trend(con, viewer: Viewer, filters: Filters, months: int = 24) -> pd.DataFrame:
    """People per status at each month-end of the last `months` months (reconstructed; see docs/rules.md)."""
    sql = """
        select month_end, status, people
        from readiness_status_trend(($as_of - to_months($months))::date, $as_of, viewer_role := $viewer_role,
                                    viewer_staff_id := $viewer_staff_id, chosen_framework := $framework,
                                    chosen_teams := $teams, chosen_ranges := $ranges)
        order by month_end, status
    """
    return query(con, sql, _parameters(viewer, filters, months=months))


# The requirements ranked for the viewer's scope: the mart blockers_on over that scope, one row per requirement.
BLOCKERS_RANKED = """
    select requirement_id, role_code, target_level, category, criterion, people_blocked, only_blocker,
           reason_tenure, reason_training, reason_awaiting_signoff, reason_expired, reason_rejected,
           reason_no_evidence
    from blockers_on($as_of, viewer_role := $viewer_role, viewer_staff_id := $viewer_staff_id,
                     chosen_framework := $framework, chosen_teams := $teams, chosen_ranges := $ranges,
                     chosen_categories := $categories, chosen_reasons := $reasons, by_team := false)
    order by case when $last_thing_left_first then only_blocker end desc nulls last,
             people_blocked desc, only_blocker desc, requirement_id
    limit $limit
"""

BLOCKED_PEOPLE = f"""
    with {SCOPED_GAPS}
    select scoped_gaps.staff_id, scoped_gaps.name, scoped_gaps.team, roles.role_title,
           levels.level, scoped_gaps.target_level, scoped_gaps.reason, scoped_gaps.due_date,
           scoped_gaps.is_only_blocker
    from scoped_gaps
    -- Role and level from the framework: the person's level is the one below their target.
    join framework_roles as roles using (role_code)
    join framework_levels as levels
        on levels.role_code = scoped_gaps.role_code
        and levels.next_level = scoped_gaps.target_level
    where scoped_gaps.requirement_id = $requirement_id
    order by scoped_gaps.is_only_blocker desc, scoped_gaps.team, scoped_gaps.name
"""


def blockers(con, viewer: Viewer, filters: Filters, categories: tuple[str, ...] = (),
             reasons: tuple[str, ...] = (), limit: int | None = None,
             last_thing_left_first: bool = False) -> pd.DataFrame:
    """Requirements ranked by people blocked (or first by 'only blocker' counts), with a count per reason."""
    return query(con, BLOCKERS_RANKED, _parameters(
        viewer, filters, categories=list(categories), reasons=list(reasons), limit=limit,  # limit null: every row
        last_thing_left_first=last_thing_left_first))


def blocked_people(con, viewer: Viewer, filters: Filters, requirement_id: str) -> pd.DataFrame:
    """Who one requirement holds back, why, and whether it is the last thing they need."""
    return query(con, BLOCKED_PEOPLE, _parameters(viewer, filters, requirement_id=requirement_id))


def blockers_board(con, viewer: Viewer, filters: Filters, categories: tuple[str, ...] = (),
                   reasons: tuple[str, ...] = (), last_thing_left_first: bool = False,
                   requirement_id: str | None = None) -> dict:
    """The Blockers page's data: `ranked` (as blockers), `requirement_id` (the one asked for if ranked has it,
    else the top-ranked) and `blocked` (as blocked_people for it)."""
    ranked = blockers(con, viewer, filters, categories, reasons, last_thing_left_first=last_thing_left_first)
    if requirement_id not in set(ranked["requirement_id"]):
        requirement_id = ranked["requirement_id"].iloc[0] if len(ranked) else None
    return {"ranked": ranked, "requirement_id": requirement_id,
            "blocked": blocked_people(con, viewer, filters, requirement_id)}


def team_members(con, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Every member in the filters with their readiness, for the Team page's table: readiest first (ready now,
    then by ready date), with their items of evidence awaiting sign-off (the Overview's count, per person)."""
    sql = f"""
        with {SCOPED_READINESS},
        waiting as (
            select staff_id, count(*) as evidence_awaiting_signoff
            from evidence_waiting_on($as_of)
            group by staff_id
        )
        select staff_id, name, team, role_title, level, target_level, requirements_met, requirements_total,
               case when requirements_total > 0 then requirements_met / requirements_total end as progress,
               status, ready_date, awaiting_signoff, training_ok, tenure_months, line_manager_id,
               coalesce(waiting.evidence_awaiting_signoff, 0) as evidence_awaiting_signoff
        from scoped_readiness
        left join waiting using (staff_id)
        order by {READINESS_ORDER}, name, staff_id
    """
    return query(con, sql, _parameters(viewer, filters))


def team_sizes(con, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """The teams in the viewer's scope and filters, with how many people are in post in each, by name."""
    sql = f"""
        with {SCOPED_STAFF}
        select team, count(*) as people
        from scoped_staff
        group by team
        order by team
    """
    return query(con, sql, _parameters(viewer, filters))


def team_heatmap(con, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """One cell per member and requirement of their target level: met, or the reason it is not."""
    sql = f"""
        with {SCOPED_STAFF}
        select scoped_staff.name, scoped_staff.staff_id, requirements.requirement_id,
               requirements.category, requirements.criterion,
               coalesce(requirements.reason, 'met') as state, requirements.due_date
        from requirement_status_on($as_of) as requirements
        join scoped_staff using (staff_id)
        order by scoped_staff.name, requirements.requirement_id
    """
    return query(con, sql, _parameters(viewer, filters))


def awaiting_signoff(con, viewer: Viewer, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """Evidence submitted and not yet signed off, oldest first; with `limit`, only the first rows, and
    `rows_in_total` says how many there are in all."""
    sql = f"""
        with {SCOPED_STAFF}
        select waiting.evidence_date, scoped_staff.name, scoped_staff.team, waiting.criterion_id,
               waiting.criterion, waiting.evidence_ref, waiting.staff_id, count(*) over () as rows_in_total
        from evidence_waiting_on($as_of) as waiting
        join scoped_staff using (staff_id)
        order by waiting.evidence_date, scoped_staff.name, waiting.criterion_id
        limit $limit
    """
    return query(con, sql, _parameters(viewer, filters, limit=limit))  # limit null: every row


def keep_in_date_settings(con) -> dict[str, int]:
    """How many days ahead each next action looks (training, evidence, minimum time), held once in SQL."""
    return query(con, "select * from keep_in_date_settings", {}).iloc[0].to_dict()


def training_expiring(con, viewer: Viewer, filters: Filters, days: int) -> pd.DataFrame:
    """Mandatory training current on the as-of date that runs out within `days` of it."""
    sql = f"""
        with {SCOPED_STAFF}
        select training.expires_date as expires_on, scoped_staff.name, scoped_staff.team, training.course,
               training.staff_id
        from training_expiring_on($as_of, $days) as training
        join scoped_staff using (staff_id)
        order by training.expires_date, scoped_staff.name
    """
    return query(con, sql, _parameters(viewer, filters, days=days))


def evidence_expiring(con, viewer: Viewer, filters: Filters, days: int) -> pd.DataFrame:
    """Requirements met today whose only current evidence stops counting (its date plus the framework's evidence
    window) within `days`."""
    sql = f"""
        with {SCOPED_STAFF}
        select expiring.evidence_expires_date, scoped_staff.name, scoped_staff.team,
               expiring.requirement_id, expiring.criterion, expiring.staff_id
        from evidence_expiring_on($as_of, $days) as expiring
        join scoped_staff using (staff_id)
        order by expiring.evidence_expires_date, scoped_staff.name
    """
    return query(con, sql, _parameters(viewer, filters, days=days))


def tenure_completing(con, viewer: Viewer, filters: Filters, days: int) -> pd.DataFrame:
    """People whose minimum time at level completes within `days`."""
    sql = f"""
        with {_scoped("scoped_completing", "tenure_completing_on($as_of, $days)")}
        select due_date as tenure_date, name, team, requirement_id, criterion, staff_id
        from scoped_completing
        order by due_date, name
    """
    return query(con, sql, _parameters(viewer, filters, days=days))


def people(con, viewer: Viewer, filters: Filters, search: str = "", limit: int | None = None) -> pd.DataFrame:
    """The people the viewer may open on the Person page, by name; with `search`, those whose name or
    staff_id contains it (ignoring case); with `limit`, the first rows, and `rows_in_total` counts them all."""
    sql = f"""
        with {SCOPED_STAFF}
        select staff_id, name, team, role_title, level, count(*) over () as rows_in_total
        from scoped_staff
        where $search = '' or contains(lower(name), lower($search)) or contains(lower(staff_id), lower($search))
        order by name, staff_id
        limit $limit
    """
    return query(con, sql, _parameters(viewer, filters, search=search.strip(), limit=limit))  # limit null: all


def person(con, viewer: Viewer, as_of: dt.date, staff_id: str) -> dict | None:
    """One person's readiness, or None if they are not in post or not in the viewer's scope."""
    sql = """
        select readiness.*, staff.email
        from readiness_on($as_of) as readiness
        join visible_staff($viewer_role, $viewer_staff_id) using (staff_id)
        join staff_directory as staff using (staff_id)
        where readiness.staff_id = $staff_id
    """
    frame = query(con, sql, _parameters(viewer, as_of=as_of, staff_id=staff_id))
    return None if frame.empty else frame.iloc[0].to_dict()


def person_requirements(con, viewer: Viewer, as_of: dt.date, staff_id: str) -> pd.DataFrame:
    """Every requirement of the person's target level with its status, evidence date, reason and expiry."""
    sql = """
        select requirements.category, requirements.requirement_id, requirements.criterion,
               case when requirements.is_met then 'met' else 'not met' end as status,
               requirements.reason, requirements.evidence_date, requirements.evidence_expires_date,
               requirements.due_date, requirements.is_time_based
        from requirement_status_on($as_of) as requirements
        join visible_staff($viewer_role, $viewer_staff_id) using (staff_id)
        join (select distinct requirement_id, category_order, number from framework_criteria
              where criterion_id = requirement_id) as members using (requirement_id)
        where requirements.staff_id = $staff_id
        order by members.category_order, members.number
    """
    return query(con, sql, _parameters(viewer, as_of=as_of, staff_id=staff_id))


def person_timeline(con, viewer: Viewer, as_of: dt.date, staff_id: str) -> pd.DataFrame:
    """Dated events for the Person page: level start, acting periods, evidence, projected ready date."""
    sql = """
        with
        visible as (
            select staff_id from visible_staff($viewer_role, $viewer_staff_id) where staff_id = $staff_id
        ),
        readiness as (select * from readiness_on($as_of) where staff_id in (select staff_id from visible))
        select 'Level start' as event, level_start_date as start_date, null::date as end_date,
               'Reached level ' || level as detail
        from readiness
        union all
        select case kind when 'acting_up' then 'Acting up' else 'Secondment' end, start_date,
               coalesce(end_date, $as_of), 'In role ' || role_code
        from acting_periods
        where staff_id in (select staff_id from visible) and start_date <= $as_of
        union all
        select 'Evidence ' || status, evidence_date, null, criterion_id
        from evidence_history
        where staff_id in (select staff_id from visible) and evidence_date <= $as_of
        union all
        select 'Projected ready date', ready_date, null, 'Ready for level ' || target_level
        from readiness where ready_date is not null
        order by 2
    """
    return query(con, sql, _parameters(viewer, as_of=as_of, staff_id=staff_id))


# The succession questions: the per-role summary is the mart succession_summary_on, asked for the viewer's scope
# and filters (so the page, the meeting pack and the organisation's figure are one query); the candidate list is
# succession_on's rows about people in that scope (scope_on). People are scoped on their team, range and framework.
SCOPE_PEOPLE = """
    scope_people as (
        select staff_id from scope_on($as_of, $viewer_role, $viewer_staff_id, $framework, $teams, $ranges)
    )
"""
SCOPED_CANDIDATES = _scoped("candidates", "succession_on($as_of)")
SUCCESSION_SUMMARY = """
    select * from succession_summary_on($as_of, viewer_role := $viewer_role, viewer_staff_id := $viewer_staff_id,
                                        chosen_framework := $framework, chosen_teams := $teams,
                                        chosen_ranges := $ranges)
"""

SUCCESSION_CANDIDATES = """
    select role_code, role_title, staff_id, name, team, current_role_code, current_role_title, current_range,
           current_level, is_top_of_current_role, entry_requirements_met, entry_requirements_total, coverage, bench,
           bench_order, is_ready_on_forecast_date, forecast_date,
           count(*) over () as rows_in_total
    from candidates
    where ($role_code is null or role_code = $role_code)
    order by role_code, bench_order, coverage desc, name, staff_id
    limit $limit
"""

BACKFILL_COLUMNS = ["in_post", "has_feeders", "ready_now", "ready_within_12_months", "at_risk", "recruitment_need"]


def backfill(candidates: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """Who backfills: each ready-now candidate beside the role they would leave and that role's own bench."""
    ready = candidates.loc[candidates["bench"] == "ready_now", ["role_code", "staff_id", "name", "current_role_code",
                                                                "current_role_title"]]
    leaving = summary[["role_code", *BACKFILL_COLUMNS]].rename(columns={"role_code": "current_role_code"})
    return ready.merge(leaving, on="current_role_code", how="left").reset_index(drop=True)


def succession_summary(con, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Per role: people in post, the bench, the forecast, risk and recruitment need, over the viewer's scope and
    filters (the mart succession_summary_on)."""
    return query(con, SUCCESSION_SUMMARY, _parameters(viewer, filters))


def succession_candidates(con, viewer: Viewer, filters: Filters, role_code: str | None = None,
                          limit: int | None = None) -> pd.DataFrame:
    """Candidates per role in bench order with their coverage of its entry requirements; with `limit`, only the
    first rows, and `rows_in_total` says how many there are in all."""
    return query(con, f"with {SCOPED_CANDIDATES} {SUCCESSION_CANDIDATES}",
                 _parameters(viewer, filters, role_code=role_code, limit=limit))  # limit null: every row


def succession_board(con, viewer: Viewer, filters: Filters, role_code: str | None = None,
                     limit: int | None = None) -> dict:
    """The Succession page's data: `summary` (as succession_summary), `role_code` (the one asked for if the
    summary has it, else the first role with anyone on its bench), `candidates` (as succession_candidates for that
    role, with `limit`), `incumbents` (as succession_incumbents) and `backfill` (who backfills each of its ready-now
    candidates)."""
    summary = succession_summary(con, viewer, filters)
    if role_code not in set(summary["role_code"]):  # none asked for, or one these filters leave out
        benches = summary["ready_now"] + summary["newly_ready_within_12_months"] + summary["ready_1_to_2_years"] \
            + summary["longer_term"]
        with_bench = summary.loc[benches > 0, "role_code"]
        role_code = with_bench.iloc[0] if len(with_bench) else (summary["role_code"].iloc[0] if len(summary) else None)
    candidates = succession_candidates(con, viewer, filters, role_code, limit)
    return {"summary": summary, "role_code": role_code, "candidates": candidates,
            "incumbents": succession_incumbents(con, viewer, filters, role_code),
            "backfill": backfill(candidates, summary)}


def succession_incumbents(con, viewer: Viewer, filters: Filters, role_code: str | None = None) -> pd.DataFrame:
    """The people in post in a role (every role without `role_code`), by name: who a succession plan is for."""
    sql = f"""
        with {SCOPED_STAFF}
        select role_code, role_title, staff_id, name, team, level, level_start_date
        from scoped_staff
        where $role_code is null or role_code = $role_code
        order by role_code, name, staff_id
    """
    return query(con, sql, _parameters(viewer, filters, role_code=role_code))


def succession_trend(con, viewer: Viewer, filters: Filters, months: int = 24) -> pd.DataFrame:
    """Per role and month-end of the last `months` months: candidates ready now and ready within 12 months (the
    ready-now count 12 months on), counted over the viewer's scope and filters (reconstructed; see docs/rules.md)."""
    sql = f"""
        with {SCOPE_PEOPLE},
        month_ends as (select month_end from month_ends(($as_of - to_months($months))::date, $as_of)),
        roles as (
            select role_code, role_title, range, framework, role_order from framework_roles
            where ($framework is null or framework = $framework) and has_feeders
        ),
        counts as (
            select history.month_end, history.role_code,
                   count(*) filter (where history.is_ready_now) as ready_now,
                   count(*) filter (where history.is_ready_within_12_months) as ready_within_12_months
            from succession_history(($as_of - to_months($months))::date, $as_of) as history
            semi join scope_people using (staff_id)
            group by history.month_end, history.role_code
        )
        select month_ends.month_end, roles.role_code, roles.role_title, roles.range,
               coalesce(counts.ready_now, 0) as ready_now,
               coalesce(counts.ready_within_12_months, 0) as ready_within_12_months
        from month_ends
        cross join roles
        left join counts using (month_end, role_code)
        order by roles.framework, roles.range, roles.role_order, month_ends.month_end
    """
    return query(con, sql, _parameters(viewer, filters, months=months))


def frameworks(con) -> pd.DataFrame:
    """Loaded frameworks (not personal data: no scope needed)."""
    return query(con, "select framework, source_file, loaded_at from frameworks order by framework", {})


def framework_roles(con, framework: str | None = None) -> pd.DataFrame:
    sql = """
        select role_code, framework, role_title, range, duties, fed_by_role_codes
        from framework_roles where ($framework is null or framework = $framework)
        order by framework, range, role_order
    """
    return query(con, sql, {"framework": framework})


def framework_settings(con, framework: str | None = None) -> pd.DataFrame:
    """Each framework's rule settings (evidence window, training with time-based criteria, mandatory courses)."""
    sql = """
        select framework, evidence_window_months, time_criteria_need_training, mandatory_courses
        from framework_settings where ($framework is null or framework = $framework)
        order by framework
    """
    return query(con, sql, {"framework": framework})


def framework_criteria(con, role_code: str, search: str = "") -> pd.DataFrame:
    """A role's criteria by level and category, optionally only those containing `search` (any case)."""
    sql = """
        select level, level_name, level_order, category, number, criterion_id, criterion, min_months, any_of
        from framework_criteria
        where role_code = $role_code
          and ($search = '' or contains(lower(criterion), lower($search)) or contains(lower(criterion_id), lower($search)))
        order by level_order, category_order, number
    """
    return query(con, sql, {"role_code": role_code, "search": search or ""})


def load_log(con, viewer: Viewer, limit: int = 200) -> pd.DataFrame:
    """The load log, newest first (admins only: it names files and outcomes)."""
    if not viewer.can_load:
        return pd.DataFrame()
    sql = """
        select loaded_at, kind, file_name, outcome, rows_inserted, rows_updated, rows_unchanged, rows_removed,
               message, file_sha256
        from load_log order by load_id desc limit $limit
    """
    return query(con, sql, {"limit": limit})


def is_demo_database(con) -> bool:
    """True only while the database carries the demo flag the generator wrote inside it (see loaders/demo.py).

    Never decided by a file name: any load of staff, evidence, training or acting deletes the flag for good.
    A database from before the flag existed has no `demo_marker` table and counts as real data.
    """
    sql = """
        select count(*) from duckdb_tables() where schema_name = 'main' and table_name = 'demo_marker'
    """
    if not int(query(con, sql, {}).iloc[0, 0]):
        return False
    return int(query(con, "select count(*) from demo_marker", {}).iloc[0, 0]) > 0


def view_as_choices(con, viewer: Viewer) -> pd.DataFrame:
    """The demo's "View as" people among those in post the viewer may see (`kind` manager or staff, `email`, `name`,
    `team`), in the order offered: the head of service, then the first manager of up to three other teams, then the
    first member of three teams (people listed by direct reports, most first, then team and name)."""
    sql = """
        with
        people as (
            select staff.staff_id, staff.name, staff.email, staff.team, staff.line_manager_id, staff.direct_reports,
                   row_number() over (order by staff.direct_reports desc, staff.team, staff.name, staff.staff_id)
                       as position
            from staff_directory as staff
            join visible_staff($viewer_role, $viewer_staff_id) using (staff_id)
            where staff.is_current and staff.email is not null
        ),
        head as (
            select * from people where direct_reports > 0 and line_manager_id is null order by position limit 1
        ),
        team_managers as (
            select * from people
            where direct_reports > 0 and line_manager_id is not null and team not in (select team from head)
            qualify row_number() over (partition by team order by position) = 1
        ),
        managers as (
            select *, true as is_head from head
            union all
            select *, false from (select * from team_managers order by position limit 4)
        ),
        members as (
            select * from people where direct_reports = 0
            qualify row_number() over (partition by team order by position) = 1
            order by position
            limit 3
        ),
        offered as (
            select 'manager' as kind, email, name, team, 1 as part, is_head, position
            from managers
            qualify row_number() over (order by is_head desc, position) <= 4
            union all
            select 'staff', email, name, team, 2, false, position from members
        )
        select kind, email, name, team from offered order by part, is_head desc, position
    """
    return query(con, sql, _parameters(viewer))


def access_to_tidy(con, viewer: Viewer) -> pd.DataFrame:
    """Access list rows to review (admins only): those granting nothing today, and those for people outside the staff list."""
    if not viewer.can_load:
        return pd.DataFrame()
    sql = """
        select email, access_role, is_granted, reason from access_status
        where reason <> 'in post'
        order by is_granted, email
    """
    return query(con, sql, {})


def categories(con, framework: str | None = None) -> list[str]:
    """The criteria categories of one framework (or of all, in their first framework's order), in display order."""
    sql = """
        select category from criteria_categories
        where ($framework is null or framework = $framework)
        group by category
        order by min(category_order), category
    """
    return query(con, sql, {"framework": framework})["category"].tolist()


# A forward-looking figure is, by definition, the as-of replay of its date: "ready by X" is the "ready now" count of
# readiness_on(X) over the same scope and filters. So it can be lower than today's (evidence stops counting).
# The Overview's forward-looking figures: months after the as-of date.
FORWARD_MONTHS = (3, 12)
SCOPED_LATER = _scoped("scoped_later", "readiness_on($ready_by)")


def months_after(con, as_of: dt.date, months: int) -> dt.date:
    """The date `months` calendar months after `as_of` (31 January + 1 month is 28 or 29 February)."""
    return query(con, "select ($as_of + to_months($months))::date as later",
                 {"as_of": as_of, "months": months})["later"].iloc[0].date()


def ready_by(con, viewer: Viewer, filters: Filters, months: int = 12) -> dict:
    """Who is ready `months` after the as-of date (the replay of that date): `ready_by` (the date), `ready` (the
    ready-now count on it), `ready_today` and `lapsing` (ready on the as-of date, not on `ready_by`)."""
    sql = f"""
        with {SCOPED_READINESS}, {SCOPED_LATER}
        select $ready_by as ready_by,
               (select count(*) from scoped_later where status = 'ready') as ready,
               count(*) filter (where today.status = 'ready') as ready_today,
               count(*) filter (where today.status = 'ready' and later.status is distinct from 'ready') as lapsing
        from scoped_readiness as today
        left join scoped_later as later using (staff_id)
    """
    date = months_after(con, filters.as_of, months)
    row = query(con, sql, _parameters(viewer, filters, ready_by=date)).iloc[0]
    return {"ready_by": date, "ready": int(row["ready"]), "ready_today": int(row["ready_today"]),
            "lapsing": int(row["lapsing"])}


def lapse_reasons(con, viewer: Viewer, filters: Filters, months: int = 12) -> pd.DataFrame:
    """Why people ready on the as-of date are not `months` later: people per reason (gaps_on's reasons on that date,
    and `left` for those no longer in post), most first. A person with two reasons counts under each."""
    sql = f"""
        with {SCOPED_READINESS}, {SCOPED_LATER},
        lapsed as (
            select today.staff_id, later.staff_id is null as has_left
            from scoped_readiness as today
            left join scoped_later as later using (staff_id)
            where today.status = 'ready' and later.status is distinct from 'ready'
        ),
        reasons as (
            select gaps.reason, gaps.staff_id from gaps_on($ready_by) as gaps join lapsed using (staff_id)
            union all
            select 'left', staff_id from lapsed where has_left
        )
        select reason, count(distinct staff_id) as people
        from reasons
        group by reason
        order by people desc, reason
    """
    return query(con, sql, _parameters(viewer, filters, ready_by=months_after(con, filters.as_of, months)))


# ---------------------------------------------------------------- the named lists behind every figure (People page)

# The lists the People page shows (?status=...): the four readiness statuses, then two lists of their own.
PEOPLE_LISTS = ("ready", "ready_on", "not_ready", "top_of_role", "training_expired", "awaiting_signoff")


def people_by_status(con, viewer: Viewer, filters: Filters, status: str | None = None,
                     limit: int | None = None) -> pd.DataFrame:
    """People in the filters with one readiness status (None: everyone), readiest first; with `limit`, the
    first rows, and `rows_in_total` counts them all."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    sql = f"""
        with {SCOPED_READINESS}
        select staff_id, name, team, role_title, level, target_level, status, ready_date,
               requirements_met, requirements_total, requirements_missing, awaiting_signoff, training_ok,
               count(*) over () as rows_in_total
        from scoped_readiness
        where $status is null or status = $status
        order by {READINESS_ORDER}, name, staff_id
        limit $limit
    """
    return query(con, sql, _parameters(viewer, filters, status=status, limit=limit))


def people_training_expired(con, viewer: Viewer, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """One row per person in the filters and mandatory course out of date on the as-of date, with when it ran
    out (empty: never completed), longest lapsed first; `people_in_total` counts the people, `rows_in_total`
    the rows."""
    sql = f"""
        with {SCOPED_STAFF}
        select scoped_staff.staff_id, scoped_staff.name, scoped_staff.team, scoped_staff.role_title,
               scoped_staff.level, training.course, training.lapsed_date, training.last_completed_date,
               count(distinct scoped_staff.staff_id) over () as people_in_total,
               count(*) over () as rows_in_total
        from mandatory_training_on($as_of) as training
        join scoped_staff using (staff_id)
        where not training.is_current
        order by training.lapsed_date nulls first, scoped_staff.name, scoped_staff.staff_id, training.course
        limit $limit
    """
    return query(con, sql, _parameters(viewer, filters, limit=limit))


def people_awaiting_signoff(con, viewer: Viewer, filters: Filters, limit: int | None = None) -> pd.DataFrame:
    """One row per person in the filters with evidence awaiting sign-off on the as-of date: how many items,
    the oldest's date and the criteria, oldest first; `items_in_total` counts the items of every row."""
    sql = f"""
        with {SCOPED_STAFF},
        waiting as (
            select staff_id, count(*) as evidence_awaiting_signoff, min(evidence_date) as oldest_submitted_date,
                   string_agg(distinct criterion_id, ', ' order by criterion_id) as criteria
            from evidence_waiting_on($as_of)
            group by staff_id
        )
        select scoped_staff.staff_id, scoped_staff.name, scoped_staff.team, scoped_staff.role_title,
               scoped_staff.level, waiting.evidence_awaiting_signoff, waiting.oldest_submitted_date,
               waiting.criteria, count(*) over () as rows_in_total,
               sum(waiting.evidence_awaiting_signoff) over () as items_in_total
        from waiting
        join scoped_staff using (staff_id)
        order by waiting.oldest_submitted_date, scoped_staff.name, scoped_staff.staff_id
        limit $limit
    """
    return query(con, sql, _parameters(viewer, filters, limit=limit))


def person_next_actions(con, viewer: Viewer, as_of: dt.date, staff_id: str) -> pd.DataFrame:
    """One person's next actions (next_actions_on): unmet requirements first, each with who acts next and
    a due date where one can be worked out, then evidence and training to renew soon."""
    sql = """
        select actions.kind, actions.requirement_id, actions.category, actions.criterion, actions.reason,
               actions.next_actor, actions.next_step, actions.due_date, actions.due_label, actions.is_overdue
        from next_actions_on($as_of) as actions
        join visible_staff($viewer_role, $viewer_staff_id) using (staff_id)
        where actions.staff_id = $staff_id
        order by actions.kind desc, actions.is_overdue desc, actions.due_date nulls last, actions.requirement_id
    """
    return query(con, sql, _parameters(viewer, as_of=as_of, staff_id=staff_id))


def person_evidence(con, viewer: Viewer, as_of: dt.date, staff_id: str) -> pd.DataFrame:
    """Every piece of evidence one person has recorded on or before the as-of date, newest first, with the
    requirement of their target level it counts towards (empty for other levels' criteria)."""
    sql = """
        with
        person as (
            select staff.staff_id, staff.role_code, staff.target_level
            from staff_in_post_on($as_of) as staff
            join visible_staff($viewer_role, $viewer_staff_id) using (staff_id)
            where staff.staff_id = $staff_id
        ),
        members as (
            select distinct members.criterion_id, members.requirement_id
            from framework_criteria as members
            join person on members.role_code = person.role_code and members.level = person.target_level
        )
        select evidence.evidence_date, evidence.criterion_id, members.requirement_id, evidence.status,
               evidence.assessor, evidence.note, evidence.evidence_ref, evidence.decided_on, evidence.source
        from evidence_history as evidence
        join person using (staff_id)
        left join members using (criterion_id)
        where evidence.evidence_date <= $as_of
        order by evidence.evidence_date desc, evidence.criterion_id
    """
    return query(con, sql, _parameters(viewer, as_of=as_of, staff_id=staff_id))


def person_options(con, viewer: Viewer, as_of: dt.date, staff_id: str) -> pd.DataFrame:
    """The roles one person is a succession candidate for (succession_on), with `coverage` of each role's
    entry requirements (0 to 1) and their bench, best covered first."""
    sql = """
        select succession.*
        from succession_on($as_of) as succession
        join visible_staff($viewer_role, $viewer_staff_id) using (staff_id)
        where succession.staff_id = $staff_id
    """
    frame = query(con, sql, _parameters(viewer, as_of=as_of, staff_id=staff_id))
    if "coverage" not in frame.columns:  # the mart before numeric coverage: work it out from its counts
        totals = frame.get("entry_requirements_total", pd.Series(dtype="float64"))
        met = frame.get("entry_requirements_met", pd.Series(dtype="float64"))
        frame = frame.assign(coverage=(met / totals.where(totals > 0)).astype("float64"))
    return frame.sort_values("coverage", ascending=False, na_position="last").reset_index(drop=True)


def incomplete_criteria(con, framework: str | None = None) -> pd.DataFrame:
    """Criteria whose wording lost words in the source document (not personal data: no scope needed)."""
    sql = """
        select framework, role_code, role_title, level, category, criterion_id, criterion
        from incomplete_criteria
        where $framework is null or framework = $framework
        order by framework, role_code, criterion_id
    """
    return query(con, sql, {"framework": framework})


# ---------------------------------------------------------------- careers and comparing frameworks


def framework_levels(con, role_code: str) -> pd.DataFrame:
    """A role's levels in the framework's order (not personal data)."""
    sql = """
        select level, level_name, level_order, is_first_level, is_top_level
        from framework_levels where role_code = $role_code order by level_order
    """
    return query(con, sql, {"role_code": role_code})


def framework_browse(con, framework: str, role_code: str | None = None, level: str | None = None,
                     category: str | None = None) -> pd.DataFrame:
    """A framework's criteria, optionally one role, level or category, in the framework's order."""
    sql = """
        select role_title, range, role_code, level, level_name, category, number, criterion_id, criterion,
               min_months, any_of
        from framework_criteria
        where framework = $framework
          and ($role_code is null or role_code = $role_code)
          and ($level is null or level = $level)
          and ($category is null or category = $category)
        order by range, role_order, level_order, category_order, number
    """
    return query(con, sql, {"framework": framework, "role_code": role_code, "level": level, "category": category})


def level_comparison(con, left_role_code: str, left_level: str, right_role_code: str, right_level: str,
                     with_levels_below: bool = False) -> pd.DataFrame:
    """Two role levels (with the levels below each, if asked) side by side, each criterion with the closest
    wording on the other side, if any."""
    sql = """
        select * from level_comparison($left_role_code, $left_level, $right_role_code, $right_level,
                                       $with_levels_below)
        order by side, level_order, category_order, number
    """
    return query(con, sql, {"left_role_code": left_role_code, "left_level": left_level,
                            "right_role_code": right_role_code, "right_level": right_level,
                            "with_levels_below": with_levels_below})


def career_gap(con, viewer: Viewer, as_of: dt.date, staff_id: str, role_code: str, level: str) -> pd.DataFrame:
    """What one person in the viewer's scope would need for a role's level: met, left, and when time allows."""
    sql = """
        select gap.*
        from career_gap_on($as_of, $staff_id, $role_code, $level) as gap
        join visible_staff($viewer_role, $viewer_staff_id) using (staff_id)
        order by gap.category_order, gap.number
    """
    return query(con, sql, _parameters(viewer, as_of=as_of, staff_id=staff_id, role_code=role_code, level=level))


# ---------------------------------------------------------------- evidence submitted and signed off in the product


def submittable_criteria(con, viewer: Viewer, as_of: dt.date, staff_id: str, role_code: str | None = None,
                         level: str | None = None) -> pd.DataFrame:
    """The criteria the viewer may submit evidence against for `staff_id` (themselves only: evidence_rights),
    optionally one role's level; their own target level first."""
    sql = """
        select criteria.criterion_id, criteria.role_code, criteria.level, criteria.category, criteria.criterion,
               criteria.why
        from submittable_criteria($as_of) as criteria
        join evidence_rights($viewer_role, $viewer_staff_id) as rights using (staff_id)
        join criteria_categories as categories on categories.category = criteria.category
        join framework_roles as roles on roles.role_code = criteria.role_code and roles.framework = categories.framework
        where rights.can_submit and criteria.staff_id = $staff_id
          and ($role_code is null or criteria.role_code = $role_code)
          and ($level is null or criteria.level = $level)
        order by criteria.why desc, criteria.role_code, criteria.level, categories.category_order, criteria.number
    """
    return query(con, sql, _parameters(viewer, as_of=as_of, staff_id=staff_id, role_code=role_code, level=level))


def signoff_queue(con, viewer: Viewer, as_of: dt.date, limit: int | None = None, search: str = "") -> pd.DataFrame:
    """Evidence awaiting sign-off that the viewer may decide (evidence_rights: their tree, never their own),
    oldest first, optionally only people whose name or staff ID contains `search`; `rows_in_total` says how
    many there are in all."""
    sql = """
        select waiting.submitted_on, waiting.working_days_waiting, waiting.is_overdue,
               waiting.overdue_after_working_days, waiting.name,
               waiting.staff_id, waiting.team, waiting.criterion_id, waiting.criterion, waiting.evidence_date,
               waiting.evidence_ref, waiting.note, count(*) over () as rows_in_total
        from evidence_waiting_on($as_of) as waiting
        join evidence_rights($viewer_role, $viewer_staff_id) as rights using (staff_id)
        where rights.can_decide
          and ($search = '' or contains(lower(waiting.name), lower($search))
               or contains(lower(waiting.staff_id), lower($search)))
        order by waiting.submitted_on, waiting.evidence_date, waiting.name, waiting.criterion_id
        limit $limit
    """
    return query(con, sql, _parameters(viewer, as_of=as_of, limit=limit, search=search.strip()))


def overdue_signoffs(con, viewer: Viewer, filters: Filters) -> dict:
    """In the viewer's scope and filters: items awaiting sign-off, and how many have waited longer than the
    limit (evidence_waiting_on's working days)."""
    sql = """
        select count(*) as waiting, count(*) filter (where waiting.is_overdue) as overdue,
               max(waiting.overdue_after_working_days) as limit_days
        from evidence_waiting_on($as_of) as waiting
        semi join scope_on($as_of, $viewer_role, $viewer_staff_id, $framework, $teams, $ranges) using (staff_id)
    """
    row = query(con, sql, _parameters(viewer, filters)).iloc[0]
    return {"waiting": int(row["waiting"]), "overdue": int(row["overdue"]),
            "limit_days": None if pd.isna(row["limit_days"]) else int(row["limit_days"])}


def oldest_waits_by_team(con, viewer: Viewer, filters: Filters) -> pd.DataFrame:
    """Per team in the viewer's scope: items awaiting sign-off, how many waited longer than the limit, the
    oldest submission and its working days; longest wait first."""
    sql = """
        select waiting.team, count(*) as waiting, count(*) filter (where waiting.is_overdue) as overdue,
               min(waiting.submitted_on) as oldest_submitted_on,
               max(waiting.working_days_waiting) as longest_working_days,
               max(waiting.overdue_after_working_days) as overdue_after_working_days
        from evidence_waiting_on($as_of) as waiting
        semi join scope_on($as_of, $viewer_role, $viewer_staff_id, $framework, $teams, $ranges) using (staff_id)
        group by waiting.team
        order by longest_working_days desc, waiting.team
    """
    return query(con, sql, _parameters(viewer, filters))


def evidence_conflicts(con, viewer: Viewer) -> pd.DataFrame:
    """Administrators only: pieces of evidence where a loaded file holds a different decision than the product's."""
    if not viewer.can_load:
        return pd.DataFrame()
    sql = """
        select conflicts.*, staff.name
        from evidence_conflicts as conflicts
        left join staff_directory as staff using (staff_id)
        order by conflicts.decided_on desc, conflicts.staff_id, conflicts.criterion_id
    """
    return query(con, sql, {})
