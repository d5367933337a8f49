-- grain: one row per team and requirement that holds at least one person in scope back on d (with by_team false: one row per requirement)
-- purpose: which criteria block most people, and which are the only thing left (the quickest wins): the rows of gaps_on counted, over one scope (scope_on: the viewer's tree and the sidebar's filters; by default everyone), so the Blockers page, the Overview and the meeting pack are this one query
create or replace macro blockers_on(d, viewer_role := 'admin', viewer_staff_id := null, chosen_framework := null,
                                    chosen_teams := [], chosen_ranges := [], chosen_categories := [],
                                    chosen_reasons := [], by_team := true) as table
with
gaps as (
    -- The rows of gaps_on (int_unmet_reasons_on: gaps_on's rows and reasons, without the dates it adds), narrow:
    -- the wording joins once per requirement, below.
    select gaps.team, gaps.requirement_id, gaps.reason, gaps.is_only_blocker,
    from int_unmet_reasons_on([d::date]) as gaps
    semi join scope_on(d, viewer_role, viewer_staff_id, chosen_framework, chosen_teams, chosen_ranges) using (staff_id)
    where (len(chosen_categories) = 0 or list_contains(chosen_categories, gaps.requirement_category))
        and (len(chosen_reasons) = 0 or list_contains(chosen_reasons, gaps.reason))
),

counted as (
    select
        case when by_team then team end as team,
        requirement_id,
        count(*) as people_blocked,
        count(*) filter (where is_only_blocker) as only_blocker,
        count(*) filter (where reason = 'tenure') as reason_tenure,
        count(*) filter (where reason = 'training') as reason_training,
        count(*) filter (where reason = 'awaiting_signoff') as reason_awaiting_signoff,
        count(*) filter (where reason = 'expired') as reason_expired,
        count(*) filter (where reason = 'rejected') as reason_rejected,
        count(*) filter (where reason = 'no_evidence') as reason_no_evidence,
    from gaps
    group by all
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
