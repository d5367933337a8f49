-- grain: one row per month-end between start and stop and readiness status, counted over one scope
-- purpose: the Overview's trend: the people of readiness_history_blocks the viewer may see and the sidebar keeps (on each person's current framework, team and range: the history is reconstructed, docs/rules.md), grouped by their masks before being spread over the month-ends (a row per kind of history, not per person and month)
create or replace macro readiness_status_trend(start, stop, viewer_role := 'admin', viewer_staff_id := null,
                                               chosen_framework := null, chosen_teams := [], chosen_ranges := []) as table
with
groups as (
    select
        blocks.block_dates,
        blocks.in_post_mask,
        blocks.is_top_of_role,
        blocks.ready_mask,
        blocks.ready_or_waiting_mask,
        count(*) as people,
    from readiness_history_blocks(start, stop) as blocks
    semi join visible_staff(viewer_role, viewer_staff_id) as visible using (staff_id)
    where matches_filters(blocks.framework, blocks.team, blocks.range, chosen_framework, chosen_teams, chosen_ranges)
    group by all
),

spread as (
    select *, unnest(range(len(block_dates))) as k,
    from groups
),

statuses as (
    select
        block_dates[k + 1] as month_end,
        people,
        history_status(in_post_mask, is_top_of_role, ready_mask, ready_or_waiting_mask, k) as status,
    from spread
)

select month_end, status, sum(people)::bigint as people,
from statuses
where status is not null
group by month_end, status
