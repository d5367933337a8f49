-- grain: one row per as-of date, person in post below the top of their role, and requirement of their target level with a time-based member
-- purpose: a time-based member is met on d once its tenure_date (int_time_requirement_dates) is reached, with training up to date if its framework needs it; otherwise it waits on tenure (not yet reached) or on training
create or replace macro int_time_requirements_on(as_of_dates) as table
with
in_post as (
    select as_of_date, staff_id from int_staff_in_post_on(as_of_dates) where target_level is not null
),

training as (
    select as_of_date, staff_id, is_training_ok from int_training_on(as_of_dates)
),

time_members as (
    select
        in_post.as_of_date,
        in_post.staff_id,
        dates.requirement_id,
        dates.requirement_bit,
        dates.is_all_time_based,
        dates.tenure_date,
        training.is_training_ok or not dates.needs_training as is_training_ok,
    from in_post
    join int_time_requirement_dates as dates using (staff_id)
    join training using (as_of_date, staff_id)
)

select
    as_of_date,
    staff_id,
    requirement_id,
    any_value(requirement_bit) as requirement_bit,
    bool_and(is_all_time_based) as is_all_time_based,
    bool_or(tenure_date <= as_of_date and is_training_ok) as is_met,
    -- The reason, when not met: tenure if a member has not reached its time, else training.
    bool_or(tenure_date > as_of_date) as has_tenure_reason,
    -- Every member waits only on time (for ready_on, with the requirement all time-based).
    bool_and(tenure_date > as_of_date and is_training_ok) as is_waiting_on_tenure,
    min(tenure_date) filter (where tenure_date > as_of_date) as tenure_due_date,
    min(tenure_date) as tenure_date,
from time_members
group by as_of_date, staff_id, requirement_id
