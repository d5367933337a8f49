-- grain: one row per person with a target level and time-based criterion of that level
-- purpose: the minimum-time rule as dates: the criterion's minimum months are reached on tenure_date (effective start plus min_months calendar months) and count from then on, with mandatory training up to date when the framework's rules say so (needs_training)
create or replace table int_time_requirement_dates as
select
    people.staff_id,
    people.staff_key,
    bits.requirement_id,
    bits.requirement_bit,
    bits.is_all_time_based,
    bits.min_months,
    -- Month arithmetic clamps to month ends: 31 January + 1 month is 28 or 29 February.
    (tenure.effective_start_date + to_months(bits.min_months))::date as tenure_date,
    rules.time_criteria_need_training as needs_training,
from int_in_post_periods as people
join int_tenure_start as tenure using (staff_key)
join stg_framework_rules as rules using (framework)
join int_requirement_bits as bits
    on bits.level_id = people.target_level_id
    and bits.is_time_based
