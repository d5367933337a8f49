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
from int_readiness_history_on(int_month_ends(start, stop)) as readiness
