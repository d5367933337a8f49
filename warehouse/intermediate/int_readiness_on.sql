-- grain: one row per as-of date and person in post
-- purpose: the readiness rules for many dates at once (readiness_on and readiness_trend both read it)
create or replace macro int_readiness_on(as_of_dates) as table
with
in_post as (
    select * from int_staff_in_post_on(as_of_dates)
),

tenure as (
    select * from int_tenure_on(as_of_dates)
),

training as (
    select * from int_training_on(as_of_dates)
),

requirements as (
    select * from int_requirement_status_on(as_of_dates)
),

per_person as (
    select
        as_of_date,
        staff_id,
        count(*) as requirements_total,
        count(*) filter (where is_met) as requirements_met,
        count(*) filter (where not is_met and has_submitted) as awaiting_signoff,
        bool_and(is_met or is_waiting_on_tenure_only) as is_waiting_on_tenure_only,
        max(ready_on_date) filter (where not is_met) as latest_tenure_date,
    from requirements
    group by as_of_date, staff_id
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
    coalesce(per_person.requirements_total, 0) as requirements_total,
    coalesce(per_person.requirements_met, 0) as requirements_met,
    coalesce(per_person.requirements_total, 0) - coalesce(per_person.requirements_met, 0) as requirements_missing,
    coalesce(per_person.awaiting_signoff, 0) as awaiting_signoff,
    tenure.tenure_months,
    tenure.effective_start_date,
    training.is_training_ok as training_ok,
    training.courses_not_current,
    case
        when in_post.target_level is null then 'top_of_role'
        when coalesce(per_person.requirements_total, 0) = coalesce(per_person.requirements_met, 0) then 'ready'
        when per_person.is_waiting_on_tenure_only then 'ready_on'
        else 'not_ready'
    end as status,
    case
        when in_post.target_level is not null
            and per_person.requirements_total > per_person.requirements_met
            and per_person.is_waiting_on_tenure_only
            then per_person.latest_tenure_date
    end as ready_date,
    in_post.level_start_date,
from in_post
join tenure using (as_of_date, staff_id)
join training using (as_of_date, staff_id)
left join per_person using (as_of_date, staff_id)
