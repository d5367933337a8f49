-- grain: one row per staff_id the viewer may submit evidence for or sign evidence off for
-- purpose: THE rule of who may write evidence: a person submits only for themselves; an administrator signs off anyone's, a manager (or anyone above in the line-management tree) only their tree's; nobody signs off their own
create or replace macro evidence_rights(viewer_role, viewer_staff_id) as table
with
own as (
    select staff_id from stg_staff
    where viewer_staff_id is not null and staff_id = viewer_staff_id
      and viewer_role in ('admin', 'senior', 'manager', 'staff')
),

decides as (
    -- Administrators: everyone. Managers and senior managers: their own tree below them (visible_staff's walk).
    select staff_id from stg_staff where viewer_role = 'admin'
    union
    select staff_id from visible_staff('manager', viewer_staff_id)
    where viewer_role in ('senior', 'manager') and viewer_staff_id is not null
)

select
    staff_id,
    staff_id in (select staff_id from own) as can_submit,
    staff_id in (select staff_id from decides) and staff_id is distinct from viewer_staff_id as can_decide,
from (select staff_id from own union select staff_id from decides)
