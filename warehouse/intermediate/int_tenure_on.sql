-- grain: one row per as-of date and person in post
-- purpose: effective start (level_start_date less credited acting days) and whole months of tenure on d
create or replace macro int_tenure_on(as_of_dates) as table
with
in_post as (
    select as_of_date, staff_id, level_start_date from int_staff_in_post_on(as_of_dates)
),

credit as (
    -- The credit of someone in post does not depend on d (see int_acting_credit).
    select staff_id, credited_days from int_acting_credit
),

started as (
    select
        in_post.as_of_date,
        in_post.staff_id,
        coalesce(credit.credited_days, 0) as credited_days,
        (in_post.level_start_date - coalesce(credit.credited_days, 0))::date as effective_start_date,
    from in_post
    left join credit using (staff_id)
),

months as (
    select
        *,
        datediff('month', effective_start_date, as_of_date) as calendar_months,
    from started
)

select
    as_of_date,
    staff_id,
    credited_days,
    effective_start_date,
    -- The largest whole m with effective_start + m months <= d (month arithmetic clamps to month ends).
    case
        when (effective_start_date + to_months(calendar_months))::date <= as_of_date then calendar_months
        else calendar_months - 1
    end as tenure_months,
from months
