-- grain: one row per person ever loaded
-- purpose: the effective start of tenure at level: level_start_date moved earlier by the acting and secondment days credited in the current role (int_acting_credit); the same on every date the person is in post
create or replace view int_tenure_start as
select
    staff.staff_id,
    coalesce(credit.credited_days, 0) as credited_days,
    (staff.level_start_date - coalesce(credit.credited_days, 0))::date as effective_start_date,
from stg_staff as staff
left join int_acting_credit as credit using (staff_id)
