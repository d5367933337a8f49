-- grain: one row per framework and category
-- purpose: each framework's categories in its own spelling and display order (from its rules file)
create or replace view stg_framework_categories as
select
    framework,
    category,
    category_order,
from framework_categories
