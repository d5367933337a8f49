-- grain: one row per person in post on d
-- purpose: who is in post, in which team, role, range and level: what pages list and scope by when they need no readiness
create or replace macro staff_in_post_on(d) as table
select
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
    level_start_date,
from int_staff_in_post_on([d::date])
