-- grain: one row per as-of date, person in post, and requirement of their target level with a time-based member; one row with a null requirement_id for a person with none (at the top of their role, or no such requirement)
-- purpose: a time-based member is met on d once its tenure_date (int_time_requirement_dates) is reached, with training up to date if its framework needs it; otherwise it waits on tenure (not yet reached) or on training; each row carries the person's int_training_on columns, so a reader needing both works training out once
create or replace macro int_time_requirements_on(as_of_dates) as table
with
people as (
    select * from int_training_on(as_of_dates)
),

time_members as (
    select
        people.as_of_date,
        people.staff_key,
        dates.requirement_id,
        dates.requirement_bit,
        dates.is_all_time_based,
        dates.tenure_date,
        people.is_training_ok or not dates.needs_training as is_training_ok,
    from people
    join int_time_requirement_dates as dates using (staff_key)
    where people.target_level is not null
),

requirements as (
    select
        as_of_date,
        staff_key,
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
    group by as_of_date, staff_key, requirement_id
)

select
    people.*,
    requirements.requirement_id,
    requirements.requirement_bit,
    requirements.is_all_time_based,
    requirements.is_met,
    requirements.has_tenure_reason,
    requirements.is_waiting_on_tenure,
    requirements.tenure_due_date,
    requirements.tenure_date,
from people
left join requirements using (as_of_date, staff_key)
