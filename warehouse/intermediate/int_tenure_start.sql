-- grain: one row per person ever loaded with a known role and level (int_in_post_periods)
-- purpose: the effective start of tenure at level: level_start_date moved earlier by the acting and secondment days credited in the current role (int_acting_credit); the same on every date the person is in post
create or replace table int_tenure_start as
select
    people.staff_id,
    people.staff_key,
    coalesce(credit.credited_days, 0) as credited_days,
    (people.level_start_date - coalesce(credit.credited_days, 0))::date as effective_start_date,
from int_in_post_periods as people
left join int_acting_credit as credit using (staff_id)
