-- grain: one row per as-of date, role and candidate: a person in post on the date in a role that feeds it
-- purpose: each candidate's coverage of the role's entry requirements on each date (the evidence window, int_evidence_periods), whether they meet
-- every one (ready), for the bench of any date and its as-of replay on a later date
create or replace macro int_succession_on(as_of_dates) as table
with
in_post as not materialized (
    select * from int_staff_in_post_on(as_of_dates)
),

feeders as (
    select * from int_succession_feeders
),

entry_requirements as (
    select * from int_entry_requirements
),

entry_counts as (
    select role_code, count(distinct requirement_id) as entry_requirements_total
    from entry_requirements
    group by role_code
),

candidates as (
    select
        in_post.as_of_date,
        feeders.role_code,
        in_post.staff_id,
        in_post.staff_key,
        in_post.name,
        in_post.team,
        in_post.role_code as current_role_code,
        in_post.role_title as current_role_title,
        in_post.framework as current_framework,
        in_post.range as current_range,
        in_post.level as current_level,
        in_post.is_top_level as is_top_of_current_role,
    from in_post
    join feeders on feeders.feeder_role_code = in_post.role_code
),

entry_evidence as (
    -- Current evidence against the role's entry requirements, folded into one bit per requirement.
    select
        dates.as_of_date,
        evidence.role_code,
        evidence.staff_key,
        bit_count(bit_or(evidence.requirement_bit)) as entry_requirements_met,
    from int_entry_evidence as evidence
    join (select unnest(list_distinct(as_of_dates::date[])) as as_of_date) as dates
        on evidence.valid_from <= dates.as_of_date
        and dates.as_of_date < evidence.valid_until
    group by dates.as_of_date, evidence.role_code, evidence.staff_key
),

counted as (
    select
        candidates.*,
        coalesce(entry_counts.entry_requirements_total, 0) as entry_requirements_total,
        coalesce(entry_evidence.entry_requirements_met, 0) as entry_requirements_met,
    from candidates
    left join entry_counts using (role_code)
    left join entry_evidence using (as_of_date, role_code, staff_key)
)

select
    * exclude (staff_key),
    -- A role without entry requirements asks nothing of its candidates: every one covers all of it.
    case
        when entry_requirements_total > 0 then entry_requirements_met / entry_requirements_total
        else 1.0
    end::double as coverage,
    entry_requirements_met = entry_requirements_total as is_ready,
from counted
