-- grain: one row per role on d
-- purpose: incumbents and the bench per role, flagging roles at risk (no candidate ready now)
create or replace macro succession_summary_on(d) as table
with
roles as (
    select * from stg_roles
),

incumbents as (
    -- Everyone in post (the rows of readiness_on), without working out their readiness again.
    select role_code, count(*) as incumbents from int_staff_in_post_on([d::date]) group by role_code
),

bench as (
    select
        role_code,
        count(*) filter (where bench = 'ready_now') as ready_now,
        count(*) filter (where bench = 'ready_1_2_years') as ready_1_2_years,
        count(*) filter (where bench = 'longer_term') as longer_term,
    from succession_on(d)
    group by role_code
)

select
    roles.role_code,
    roles.role_title,
    roles.framework,
    roles.range,
    coalesce(incumbents.incumbents, 0) as incumbents,
    coalesce(bench.ready_now, 0) as ready_now,
    coalesce(bench.ready_1_2_years, 0) as ready_1_2_years,
    coalesce(bench.longer_term, 0) as longer_term,
    coalesce(bench.ready_now, 0) = 0 as is_at_risk,
from roles
left join incumbents using (role_code)
left join bench using (role_code)
