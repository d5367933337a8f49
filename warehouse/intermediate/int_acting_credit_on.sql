-- grain: one row per as-of date and person in post with acting or secondment time in their current role
-- purpose: days credited towards tenure: periods in the current role before level_start_date, overlaps counted once
create or replace macro int_acting_credit_on(as_of_dates) as table
with
in_post as (
    select as_of_date, staff_id from int_staff_in_post_on(as_of_dates)
),

credit as (
    -- The credit of someone in post does not depend on d (see int_acting_credit).
    select * from int_acting_credit
)

select
    in_post.as_of_date,
    in_post.staff_id,
    credit.credited_days,
from in_post
join credit using (staff_id)
