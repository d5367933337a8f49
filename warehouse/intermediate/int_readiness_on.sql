-- grain: one row per as-of date and person in post
-- purpose: the readiness rules for many dates at once (readiness_on reads it; gaps_on gives the per-requirement detail)
create or replace macro int_readiness_on(as_of_dates) as table
with
in_post as not materialized (
    select * from int_staff_in_post_on(as_of_dates)
),

tenure as (
    select * from int_tenure_on(as_of_dates)
),

training as (
    select * from int_training_on(as_of_dates)
),

level_requirements as (
    select level_id, count(distinct requirement_id) as requirements_total,
    from int_requirement_bits
    group by level_id
),

evidence_masks as (
    -- Evidence against the person's target level, folded into one bit per requirement: which have
    -- current evidence and which have submitted evidence.
    select
        as_of_date,
        staff_id,
        bit_or(case when is_current then requirement_bit else 0::ubigint end) as current_mask,
        bit_or(case when status = 'submitted' then requirement_bit else 0::ubigint end) as submitted_mask,
    from int_target_evidence_on(as_of_dates)
    where status <> 'rejected'
    group by as_of_date, staff_id
),

time_masks as (
    -- Time-based requirements (int_time_requirements_on): met, or waiting only on tenure (every member
    -- time-based, not yet reached, training up to date) until the date the first member is reached.
    select
        as_of_date,
        staff_id,
        bit_or(requirement_bit) filter (where is_met) as met_mask,
        bit_or(requirement_bit) filter (where is_all_time_based and is_waiting_on_tenure) as waiting_mask,
        max(tenure_date) filter (where is_all_time_based and is_waiting_on_tenure) as latest_tenure_date,
    from int_time_requirements_on(as_of_dates)
    group by as_of_date, staff_id
),

per_person as (
    select
        in_post.as_of_date,
        in_post.staff_id,
        coalesce(level_requirements.requirements_total, 0) as requirements_total,
        coalesce(evidence_masks.current_mask, 0::ubigint) | coalesce(time_masks.met_mask, 0::ubigint) as met_mask,
        coalesce(evidence_masks.submitted_mask, 0::ubigint) as submitted_mask,
        coalesce(time_masks.waiting_mask, 0::ubigint) as waiting_mask,
        time_masks.latest_tenure_date,
    from in_post
    left join level_requirements on level_requirements.level_id = in_post.target_level_id
    left join evidence_masks using (as_of_date, staff_id)
    left join time_masks using (as_of_date, staff_id)
),

counted as (
    select
        *,
        bit_count(met_mask) as requirements_met,
        bit_count(submitted_mask & ~met_mask) as awaiting_signoff,
        -- Unmet requirements that are not waiting only on tenure (ready_on needs there to be none).
        requirements_total - bit_count(met_mask | waiting_mask) as requirements_blocked,
    from per_person
)

select
    in_post.as_of_date,
    in_post.staff_id,
    in_post.name,
    in_post.team,
    in_post.line_manager_id,
    in_post.role_code,
    in_post.role_title,
    in_post.framework,
    in_post.range,
    in_post.level,
    in_post.target_level,
    counted.requirements_total,
    counted.requirements_met,
    counted.requirements_total - counted.requirements_met as requirements_missing,
    counted.awaiting_signoff,
    tenure.tenure_months,
    tenure.effective_start_date,
    training.is_training_ok as training_ok,
    training.courses_not_current,
    case
        when in_post.target_level is null then 'top_of_role'
        when counted.requirements_total = counted.requirements_met then 'ready'
        when counted.requirements_blocked = 0 then 'ready_on'
        else 'not_ready'
    end as status,
    case
        when in_post.target_level is not null
            and counted.requirements_total > counted.requirements_met
            and counted.requirements_blocked = 0
            then counted.latest_tenure_date
    end as ready_date,
    in_post.level_start_date,
from in_post
join tenure using (as_of_date, staff_id)
join training using (as_of_date, staff_id)
join counted using (as_of_date, staff_id)
