-- grain: one row per as-of date and person in post
-- purpose: effective start (int_tenure_start) and whole months of tenure on d: the largest m with effective start plus m calendar months on or before d
create or replace macro int_tenure_on(as_of_dates) as table
with
months as (
    select
        in_post.as_of_date,
        in_post.staff_id,
        tenure.credited_days,
        tenure.effective_start_date,
        datediff('month', tenure.effective_start_date, in_post.as_of_date) as calendar_months,
    from int_staff_in_post_on(as_of_dates) as in_post
    join int_tenure_start as tenure using (staff_id)
)

select
    as_of_date,
    staff_id,
    credited_days,
    effective_start_date,
    case
        when (effective_start_date + to_months(calendar_months))::date <= as_of_date then calendar_months
        else calendar_months - 1
    end as tenure_months,
from months
