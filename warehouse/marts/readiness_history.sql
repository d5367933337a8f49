-- grain: one row per month-end between start and stop and person in post on it
-- purpose: readiness reconstructed at each month-end, for trends that must be cut by viewer, team or range
create or replace macro readiness_history(start, stop) as table
select
    readiness.as_of_date as month_end,
    readiness.staff_id,
    readiness.team,
    readiness.range,
    readiness.framework,
    readiness.role_code,
    readiness.status,
-- The month-ends go in as one uncorrelated list (not a lateral join), so each fact is worked out once.
from int_readiness_history_on((
    select list(month_end order by month_end)
    from (
        select (month_start + interval 1 month - interval 1 day)::date as month_end
        from range(date_trunc('month', start::date), stop::date + interval 1 day, interval 1 month) as months(month_start)
    )
    where month_end between start::date and stop::date
)) as readiness
