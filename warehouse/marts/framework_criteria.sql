-- grain: one row per criterion of every loaded framework (criterion_id)
-- purpose: the framework as pages browse it (not personal data): each criterion with its role, level and category, their display order, and the requirement it counts towards (int_requirement_members: any-of groups)
create or replace view framework_criteria as
select
    roles.framework,
    criteria.role_code,
    roles.role_title,
    roles.range,
    roles.role_order,
    levels.level,
    levels.level_name,
    levels.level_order,
    levels.is_first_level,
    levels.is_top_level,
    criteria.category,
    criteria.category_order,
    criteria.number,
    criteria.criterion_id,
    criteria.criterion,
    criteria.min_months,
    criteria.any_of,
    criteria.is_time_based,
    members.requirement_id,
from stg_criteria as criteria
join int_requirement_members as members using (criterion_id)
join stg_roles as roles on roles.role_code = criteria.role_code
join stg_levels as levels on levels.role_code = criteria.role_code and levels.level = criteria.level
