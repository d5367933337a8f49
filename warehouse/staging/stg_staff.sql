-- grain: one row per person ever loaded (leavers keep their row with left_on set)
-- purpose: the establishment as loaded
create or replace view stg_staff as
select
    staff_id,
    name,
    team,
    line_manager_id,
    role_code,
    level,
    level_start_date,
    email,
    left_on,
from staff
