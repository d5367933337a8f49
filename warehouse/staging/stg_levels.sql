-- grain: one row per role and level
-- purpose: levels in the framework's own order, each with an integer key (level_id) and the next level up (null at the top of the role)
create or replace view stg_levels as
with
numbered as (
    select
        *,
        -- One integer per (role_code, level), unique by construction: joins on it are cheaper than on the two strings.
        row_number() over (order by role_code, level_order, level)::integer as level_id,
    from levels
)

select
    role_code,
    level,
    level_id,
    level_name,
    level_order,
    lead(level) over role_levels as next_level,
    lead(level_id) over role_levels as next_level_id,
    level_order = max(level_order) over (partition by role_code) as is_top_level,
    level_order = min(level_order) over (partition by role_code) as is_first_level,
from numbered
window role_levels as (partition by role_code order by level_order)
