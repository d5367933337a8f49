-- grain: one row per month-end between start and stop, team and range
-- purpose: readiness over time, reconstructed from dated records (current team and level; see docs/rules.md)
create or replace macro readiness_trend(start, stop) as table
select
    month_end,
    team,
    range,
    count(*) filter (where status = 'ready') as ready,
    count(*) filter (where status = 'ready_on') as ready_on,
    count(*) filter (where status = 'not_ready') as not_ready,
    count(*) filter (where status = 'top_of_role') as top_of_role,
    count(*) as staff_in_post,
from readiness_history(start, stop)
group by month_end, team, range
