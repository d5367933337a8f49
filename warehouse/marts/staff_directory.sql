-- grain: one row per person on the staff list (staff_id), leavers included
-- purpose: who people are as pages name them: contact, team, line manager, role (title, framework, range) and level now, whether they are still here, and how many people report to them now
create or replace view staff_directory as
with
reports as (
    select line_manager_id as staff_id, count(*) as direct_reports,
    from stg_staff
    where left_on is null and line_manager_id is not null
    group by line_manager_id
)

select
    staff.staff_id,
    staff.name,
    staff.email,
    staff.team,
    staff.line_manager_id,
    staff.role_code,
    roles.role_title,
    roles.framework,
    roles.range,
    staff.level,
    staff.level_start_date,
    staff.left_on,
    staff.left_on is null as is_current,
    coalesce(reports.direct_reports, 0) as direct_reports,
from stg_staff as staff
join stg_roles as roles using (role_code)
left join reports using (staff_id)
