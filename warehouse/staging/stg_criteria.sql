-- grain: one row per criterion
-- purpose: criteria with their category's printed order and whether they are time-based (min_months)
create or replace view stg_criteria as
select
    criterion_id,
    role_code,
    level,
    category,
    case category
        when 'Qualifications' then 1
        when 'Knowledge' then 2
        when 'Experience' then 3
        when 'Skills' then 4
    end as category_order,
    number,
    criterion,
    min_months,
    any_of,
    min_months is not null as is_time_based,
from criteria
