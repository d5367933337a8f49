-- grain: one row per role of every loaded framework
-- purpose: the roles as pages show them (not personal data): title, range, duties, the roles the file names as feeders, and whether anything feeds the role (int_succession_feeders: false for an entry role)
create or replace view framework_roles as
select
    roles.role_code,
    roles.framework,
    roles.role_title,
    roles.range,
    roles.role_order,
    roles.duties,
    roles.fed_by_role_codes,
    roles.role_code in (select role_code from int_succession_feeders) as has_feeders,
from stg_roles as roles
