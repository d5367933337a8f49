-- grain: one row per team and requirement that holds at least one person back on d
-- purpose: which criteria block most people, and which are the only thing left (the quickest wins)
create or replace macro blockers_on(d) as table
with
gaps as (
    select * from gaps_on(d)
),

missing_per_person as (
    select staff_id, count(*) as requirements_missing from gaps group by staff_id
)

select
    gaps.team,
    -- A requirement_id names one requirement of one level of one role: grouped on it alone, not on its
    -- wording too (grouping on long text cost a fifth of the view at 100,000 staff).
    any_value(gaps.role_code) as role_code,
    any_value(gaps.target_level) as target_level,
    gaps.requirement_id,
    any_value(gaps.category) as category,
    any_value(gaps.criterion) as criterion,
    count(*) as people_blocked,
    count(*) filter (where missing_per_person.requirements_missing = 1) as only_blocker,
    count(*) filter (where gaps.reason = 'tenure') as reason_tenure,
    count(*) filter (where gaps.reason = 'training') as reason_training,
    count(*) filter (where gaps.reason = 'awaiting_signoff') as reason_awaiting_signoff,
    count(*) filter (where gaps.reason = 'expired') as reason_expired,
    count(*) filter (where gaps.reason = 'rejected') as reason_rejected,
    count(*) filter (where gaps.reason = 'no_evidence') as reason_no_evidence,
from gaps
join missing_per_person using (staff_id)
group by gaps.team, gaps.requirement_id
