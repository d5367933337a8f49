-- grain: one row per role of every loaded framework
-- purpose: roles as loaded, with the role codes that feed each role's succession bench as a list
create or replace view stg_roles as
select
    role_code,
    framework,
    role_title,
    range,
    duties,
    coalesce(fed_by, []::varchar[]) as fed_by_role_codes,
    role_order,
from roles
