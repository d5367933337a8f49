-- grain: one row per staff_id the viewer may see
-- purpose: row-level scope: admins and seniors see everyone, managers their line-management tree (any depth), staff themselves
create or replace macro visible_staff(viewer_role, viewer_staff_id) as table
with recursive
tree(staff_id) as (
    select staff_id from stg_staff
    where viewer_role = 'manager' and staff_id = viewer_staff_id
    union
    select staff.staff_id
    from stg_staff as staff
    join tree on staff.line_manager_id = tree.staff_id
)

-- The three branches never meet (one viewer_role each) and each gives a staff_id once, so no de-duplication.
select staff_id from stg_staff where viewer_role in ('admin', 'senior')
union all
select staff_id from tree
union all
select staff_id from stg_staff where viewer_role = 'staff' and staff_id = viewer_staff_id
