-- grain: one row per as-of date, person in post below the top of their role, and requirement of their target level with a time-based member
-- purpose: minimum time at level: a time-based member is met once tenure (effective start plus its minimum months) is
-- reached with training up to date; otherwise it waits on tenure (not yet reached) or on training
create or replace macro int_time_requirements_on(as_of_dates) as table
with
in_post as (
    select as_of_date, staff_id, target_level_key,
    from int_staff_in_post_on(as_of_dates)
    where target_level is not null
),

tenure as (
    select as_of_date, staff_id, effective_start_date from int_tenure_on(as_of_dates)
),

training as (
    select as_of_date, staff_id, is_training_ok from int_training_on(as_of_dates)
),

time_members as (
    select
        in_post.as_of_date,
        in_post.staff_id,
        bits.requirement_id,
        bits.requirement_bit,
        (tenure.effective_start_date + to_months(bits.min_months))::date as tenure_date,
        training.is_training_ok,
    from in_post
    join int_requirement_bits as bits
        on bits.level_key = in_post.target_level_key
        and bits.is_time_based
    join tenure using (as_of_date, staff_id)
    join training using (as_of_date, staff_id)
)

select
    as_of_date,
    staff_id,
    requirement_id,
    any_value(requirement_bit) as requirement_bit,
    bool_or(tenure_date <= as_of_date and is_training_ok) as is_met,
    -- The reason, when not met: tenure if a member has not reached its time, else training.
    bool_or(tenure_date > as_of_date) as has_tenure_reason,
    -- Every member waits only on time (for ready_on, with the requirement all time-based).
    bool_and(tenure_date > as_of_date and is_training_ok) as is_waiting_on_tenure,
    min(tenure_date) filter (where tenure_date > as_of_date) as tenure_due_date,
    min(tenure_date) as tenure_date,
from time_members
group by as_of_date, staff_id, requirement_id
