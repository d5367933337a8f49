-- grain: one row per team and requirement that holds at least one person back on d
-- purpose: which criteria block most people, and which are the only thing left (the quickest wins)
create or replace macro blockers_on(d) as table
with
gaps as (
    -- The rows of gaps_on (the same macro it reads), narrow: the wording joins once per requirement, below.
    select staff_key, team, requirement_id, reason, from int_unmet_requirements_on([d::date])
),

missing_per_person as (
    select staff_key, count(*) as requirements_missing from gaps group by staff_key
),

counted as (
    select
        gaps.team,
        gaps.requirement_id,
        count(*) as people_blocked,
        count(*) filter (where missing_per_person.requirements_missing = 1) as only_blocker,
        count(*) filter (where gaps.reason = 'tenure') as reason_tenure,
        count(*) filter (where gaps.reason = 'training') as reason_training,
        count(*) filter (where gaps.reason = 'awaiting_signoff') as reason_awaiting_signoff,
        count(*) filter (where gaps.reason = 'expired') as reason_expired,
        count(*) filter (where gaps.reason = 'rejected') as reason_rejected,
        count(*) filter (where gaps.reason = 'no_evidence') as reason_no_evidence,
    from gaps
    join missing_per_person using (staff_key)
    group by gaps.team, gaps.requirement_id
),

requirements as (
    -- A requirement_id names one requirement of one level of one role.
    select distinct
        requirement_id,
        role_code,
        level as target_level,
        requirement_category as category,
        requirement_text as criterion,
    from int_requirement_members
)

select
    counted.team,
    requirements.role_code,
    requirements.target_level,
    counted.requirement_id,
    requirements.category,
    requirements.criterion,
    counted.people_blocked,
    counted.only_blocker,
    counted.reason_tenure,
    counted.reason_training,
    counted.reason_awaiting_signoff,
    counted.reason_expired,
    counted.reason_rejected,
    counted.reason_no_evidence,
from counted
join requirements using (requirement_id)
