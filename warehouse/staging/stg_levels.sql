-- grain: one row per role and level
-- purpose: levels in the framework's own order, each with the next level up (null at the top of the role)
create or replace view stg_levels as
select
    role_code,
    level,
    level_name,
    level_order,
    lead(level) over (partition by role_code order by level_order) as next_level,
    level_order = max(level_order) over (partition by role_code) as is_top_level,
    level_order = min(level_order) over (partition by role_code) as is_first_level,
from levels
