-- grain: one row per criterion whose wording lost words in the source document
-- purpose: the criteria holding […] or [...] (text the PDF conversion lost), for HR to complete: listed on the Framework page, flagged wherever their wording is shown
create or replace view incomplete_criteria as
select
    roles.framework,
    roles.role_code,
    roles.role_title,
    criteria.level,
    criteria.category,
    criteria.criterion_id,
    criteria.criterion,
from stg_criteria as criteria
join stg_roles as roles using (role_code)
where contains(criteria.criterion, '[…]') or contains(criteria.criterion, '[...]')
