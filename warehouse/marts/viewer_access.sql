-- grain: one row for the identity given (none when it matches nobody)
-- purpose: what a signed-in email may do: the access list names admins and seniors; anyone with reports in post is a manager; other staff in post see themselves
create or replace macro viewer_access(viewer_email) as table
with
listed as (
    select access_role from access where email = lower(trim(viewer_email))
),

person as (
    select staff_id from stg_staff
    where email = lower(trim(viewer_email)) and left_on is null
),

reports as (
    select count(*) as direct_reports from stg_staff
    where left_on is null and line_manager_id = (select staff_id from person)
)

select
    lower(trim(viewer_email)) as email,
    coalesce(
        (select access_role from listed),
        case when (select direct_reports from reports) > 0 then 'manager' else 'staff' end
    ) as access_role,
    (select staff_id from person) as staff_id,
from (select 1)
where exists (select 1 from listed) or exists (select 1 from person)
