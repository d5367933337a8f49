-- grain: one row per month-end between start and stop, team and range
-- purpose: readiness over time, reconstructed from dated records (current team and level; see docs/rules.md)
create or replace macro readiness_trend(start, stop) as table
with
month_ends as (
    select list(month_end order by month_end) as as_of_dates
    from (
        select (month_start + interval 1 month - interval 1 day)::date as month_end
        from range(date_trunc('month', start::date), stop::date + interval 1 day, interval 1 month) as months(month_start)
    )
    where month_end between start::date and stop::date
),

readiness as (
    select readiness.*
    from month_ends, int_readiness_on(month_ends.as_of_dates) as readiness
)

select
    as_of_date as month_end,
    team,
    range,
    count(*) filter (where status = 'ready') as ready,
    count(*) filter (where status = 'ready_on') as ready_on,
    count(*) filter (where status = 'not_ready') as not_ready,
    count(*) filter (where status = 'top_of_role') as top_of_role,
    count(*) as staff_in_post,
from readiness
group by as_of_date, team, range
