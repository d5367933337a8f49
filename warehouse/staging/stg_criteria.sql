-- grain: one row per criterion
-- purpose: criteria with their category's order in their framework (framework_categories) and whether they are time-based (min_months)
create or replace view stg_criteria as
select
    criteria.criterion_id,
    criteria.role_code,
    criteria.level,
    criteria.category,
    case when categories.category_order is null
        then error('criterion ' || criteria.criterion_id || ': its category is not one of its framework''s categories')
        else categories.category_order
    end as category_order,
    criteria.number,
    criteria.criterion,
    criteria.min_months,
    criteria.any_of,
    criteria.min_months is not null as is_time_based,
from criteria
join roles using (role_code)
left join stg_framework_categories as categories
    on categories.framework = roles.framework
    and categories.category = criteria.category
