-- grain: one row per person ever loaded
-- purpose: who counts: a person is in post from the day they reached their level (in_post_from) until the day they left (in_post_until, exclusive; null while in post), with role, framework, range and the target level (the next level of their role; null at the top)
create or replace table int_in_post_periods as
select
    staff.staff_id,
    -- An integer key for the joins and groupings of the per-date macros (cheaper than the text staff_id).
    (row_number() over (order by staff.staff_id))::integer as staff_key,
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
    levels.next_level_id as target_level_id,
    levels.is_top_level,
    staff.level_start_date,
    staff.left_on,
    staff.level_start_date as in_post_from,
    staff.left_on as in_post_until,
from stg_staff as staff
join stg_roles as roles using (role_code)
join stg_levels as levels
    on levels.role_code = staff.role_code
    and levels.level = staff.level
