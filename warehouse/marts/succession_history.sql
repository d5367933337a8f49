-- grain: one row per month-end between start and stop, role and candidate ready on it or within 12 months of it
-- purpose: bench strength over time: at each month-end, who was ready now for a role and who was ready on its as-of replay
-- 12 months on (the same reconstruction as readiness_history; a page counts the rows in the viewer's scope)
create or replace macro succession_history(start, stop) as table
with
month_ends as (
    select unnest(int_month_ends(start, stop)) as month_end
),

ready as (
    -- Every month-end and its forecast date in one pass over the facts.
    select as_of_date, role_code, staff_id
    from int_succession_on(succession_forecast_dates(int_month_ends(start, stop)))
    where is_ready
),

now_ready as (
    select month_ends.month_end, ready.role_code, ready.staff_id
    from month_ends
    join ready on ready.as_of_date = month_ends.month_end
),

later_ready as (
    select month_ends.month_end, ready.role_code, ready.staff_id
    from month_ends
    join ready on ready.as_of_date = succession_forecast_date(month_ends.month_end)
)

select
    month_end,
    role_code,
    staff_id,
    now_ready.staff_id is not null as is_ready_now,
    later_ready.staff_id is not null as is_ready_within_12_months,
from now_ready
full outer join later_ready using (month_end, role_code, staff_id)
