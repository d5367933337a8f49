-- grain: one row per as-of date and person in post on it
-- purpose: who counts on each date (level_start_date <= d, not yet left), with role, range and target level, and what the
-- evidence rules need: the start of the two-year window and the target level's key into int_requirement_bits
create or replace macro int_staff_in_post_on(as_of_dates) as table
with
staff as (
    -- Each person's dates in post, from the list, by a filter on their own row rather than a join
    -- against the dates: the planner then knows this is about one row per person, not a handful.
    select
        *,
        unnest(list_filter(
            list_distinct(as_of_dates::date[]),
            lambda as_of_date: level_start_date <= as_of_date and (left_on is null or left_on > as_of_date)
        )) as as_of_date,
    from stg_staff
),

roles as (
    select * from stg_roles
),

levels as (
    select * from stg_levels
)

select
    staff.as_of_date,
    staff.staff_id,
    staff.name,
    staff.team,
    staff.line_manager_id,
    staff.role_code,
    roles.role_title,
    roles.framework,
    roles.range,
    staff.level,
    levels.level_order,
    levels.next_level as target_level,
    levels.is_top_level,
    staff.level_start_date,
    -- Evidence counts on d when dated after this (is_evidence_current), worked out once per date.
    (staff.as_of_date - interval 2 year)::date as evidence_window_start_date,
    hash(staff.role_code, levels.next_level) as target_level_key,
from staff
join roles using (role_code)
join levels
    on levels.role_code = staff.role_code
    and levels.level = staff.level
