-- grain: one row per framework and criteria category
-- purpose: each framework's categories in its own order (from its rules file; not personal data)
create or replace view criteria_categories as
select framework, category, category_order,
from stg_framework_categories
