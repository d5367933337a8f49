-- grain: one row per as-of date and person in post
-- purpose: the readiness rules for many dates at once (readiness_on reads it; gaps_on gives the per-requirement detail)
create or replace macro int_readiness_on(as_of_dates) as table
with
people as (
    select * from int_staff_in_post_on(as_of_dates)
),

time_masks as (
    -- One row per person, from narrow columns only (the wide ones join once, below): time-based requirements
    -- met, or waiting only on tenure (every member time-based, not yet reached, training up to date) until
    -- the date the first member is reached.
    select
        as_of_date,
        staff_key,
        any_value(is_training_ok) as is_training_ok,
        any_value(courses_not_current) as courses_not_current,
        bit_or(requirement_bit) filter (where is_met) as met_mask,
        bit_or(requirement_bit) filter (where is_all_time_based and is_waiting_on_tenure) as waiting_mask,
        max(tenure_date) filter (where is_all_time_based and is_waiting_on_tenure) as latest_tenure_date,
    from int_time_requirements_on(as_of_dates)
    group by as_of_date, staff_key
),

level_requirements as (
    select level_id, count(distinct requirement_id) as requirements_total,
    from int_requirement_bits
    group by level_id
),

evidence_masks as (
    -- Evidence against the person's target level, folded into one bit per requirement: which have
    -- current evidence and which have submitted evidence.
    select as_of_date, staff_key, current_mask, submitted_mask,
    from int_evidence_masks_on(as_of_dates)
),

per_person as (
    select
        people.*,
        time_masks.is_training_ok,
        time_masks.courses_not_current,
        time_masks.met_mask,
        time_masks.waiting_mask,
        time_masks.latest_tenure_date,
        coalesce(level_requirements.requirements_total, 0) as requirements_total,
        coalesce(evidence_masks.current_mask, 0::ubigint) | coalesce(time_masks.met_mask, 0::ubigint)
            as all_met_mask,
        coalesce(evidence_masks.submitted_mask, 0::ubigint) as submitted_mask,
        tenure.effective_start_date,
    from people
    join time_masks using (as_of_date, staff_key)
    join int_tenure_start as tenure using (staff_key)
    left join level_requirements on level_requirements.level_id = people.target_level_id
    left join evidence_masks using (as_of_date, staff_key)
),

counted as (
    select
        *,
        bit_count(all_met_mask) as requirements_met,
        bit_count(submitted_mask & ~all_met_mask) as awaiting_signoff,
        -- Unmet requirements that are not waiting only on tenure (ready_on needs there to be none).
        requirements_total - bit_count(all_met_mask | coalesce(waiting_mask, 0::ubigint)) as requirements_blocked,
    from per_person
)

select
    as_of_date,
    staff_id,
    name,
    team,
    line_manager_id,
    role_code,
    role_title,
    framework,
    range,
    level,
    target_level,
    requirements_total,
    requirements_met,
    requirements_total - requirements_met as requirements_missing,
    awaiting_signoff,
    int_tenure_months(effective_start_date, as_of_date) as tenure_months,
    effective_start_date,
    is_training_ok as training_ok,
    courses_not_current,
    case
        when target_level is null then 'top_of_role'
        when requirements_total = requirements_met then 'ready'
        when requirements_blocked = 0 then 'ready_on'
        else 'not_ready'
    end as status,
    case
        when target_level is not null
            and requirements_total > requirements_met
            and requirements_blocked = 0
            then latest_tenure_date
    end as ready_date,
    level_start_date,
from counted
