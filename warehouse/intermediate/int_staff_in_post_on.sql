-- grain: one row per as-of date and person in post on it
-- purpose: the people of int_in_post_periods on each date (in_post_from <= d < in_post_until), with role, range and target level
create or replace macro int_staff_in_post_on(as_of_dates) as table
with
staff as (
    -- Each person's dates in post, from the list, by a filter on their own row rather than a join
    -- against the dates: the planner then knows this is about one row per person, not a handful.
    select
        *,
        unnest(list_filter(
            list_distinct(as_of_dates::date[]),
            lambda as_of_date: in_post_from <= as_of_date and (in_post_until is null or as_of_date < in_post_until)
        )) as as_of_date,
    from int_in_post_periods
)

select
    as_of_date,
    staff_id,
    staff_key,
    name,
    team,
    line_manager_id,
    role_code,
    role_title,
    framework,
    range,
    level,
    level_order,
    target_level,
    is_top_level,
    level_start_date,
    target_level_id,
from staff
