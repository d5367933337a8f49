-- grain: one row per role and role that feeds it
-- purpose: whose holders are succession candidates for a role: the roles its fed_by names, or else the roles of the same
-- framework in the range immediately below it (not every lower range); a role with no row has no feeders (an entry role)
create or replace view int_succession_feeders as
with
roles as (
    select * from stg_roles
),

named as (
    select role_code, unnest(fed_by_role_codes) as feeder_role_code
    from roles
),

range_below as (
    -- Roles without fed_by: the highest range of their framework below their own.
    select target.role_code, target.framework, max(lower_roles.range) as feeder_range
    from roles as target
    join roles as lower_roles
        on lower_roles.framework = target.framework
        and lower_roles.range < target.range
    where len(target.fed_by_role_codes) = 0
    group by target.role_code, target.framework
),

by_range as (
    select range_below.role_code, roles.role_code as feeder_role_code
    from range_below
    join roles
        on roles.framework = range_below.framework
        and roles.range = range_below.feeder_range
)

select distinct feeders.role_code, feeders.feeder_role_code
from (select * from named union all select * from by_range) as feeders
-- Only known roles, and never a role feeding itself.
join roles on roles.role_code = feeders.feeder_role_code
where feeders.feeder_role_code <> feeders.role_code
