-- grain: one row per role and level of every loaded framework
-- purpose: each role's levels in the framework's order (not personal data), with the first and top level marked
create or replace view framework_levels as
select role_code, level, level_name, level_order, next_level, is_first_level, is_top_level,
from stg_levels
