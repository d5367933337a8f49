-- grain: one row per person with acting or secondment time in their current role before level_start_date
-- purpose: days credited towards tenure, overlaps counted once; the same on every date the person is in post
create or replace table int_acting_credit as
with
staff as (
    select staff_id, role_code, level_start_date from stg_staff
),

acting as (
    select * from stg_acting
),

clipped as (
    -- Only days before level_start_date count. Anyone in post on d has level_start_date <= d, so an
    -- open period (which runs to d) is cut at level_start_date - 1 as well, and every period that
    -- starts before level_start_date has started by d: the credit does not depend on d.
    select
        staff.staff_id,
        acting.start_date,
        least(coalesce(acting.end_date, staff.level_start_date - 1), staff.level_start_date - 1) as end_date,
    from staff
    join acting
        on acting.staff_id = staff.staff_id
        and acting.role_code = staff.role_code
        and acting.start_date < staff.level_start_date
),

ordered as (
    select
        *,
        max(end_date) over (
            partition by staff_id order by start_date, end_date
            rows between unbounded preceding and 1 preceding
        ) as previous_end_date,
    from clipped
    where end_date >= start_date
),

islands as (
    select
        *,
        sum(case when previous_end_date is null or start_date > previous_end_date then 1 else 0 end) over (
            partition by staff_id order by start_date, end_date
            rows between unbounded preceding and current row
        ) as island_number,
    from ordered
),

island_days as (
    select
        staff_id,
        island_number,
        max(end_date) - min(start_date) + 1 as days,
    from islands
    group by staff_id, island_number
)

select
    staff_id,
    sum(days)::integer as credited_days,
from island_days
group by staff_id
