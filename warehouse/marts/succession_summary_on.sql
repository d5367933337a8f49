-- grain: one row per role on d (of the chosen framework, if one is chosen)
-- purpose: people in post and the bench per role, whether it has feeders, and the risk rule (succession_settings): a role with
-- feeders and people in post is at risk with too few ready now or ready within 12 months; an entry role shows its recruitment need.
-- Counted over one scope (scope_on: the viewer's tree and the sidebar's filters; by default everyone), so the page, the
-- meeting pack and the whole-organisation figure are this one query.
create or replace macro succession_summary_on(d, viewer_role := 'admin', viewer_staff_id := null, chosen_framework := null,
                                              chosen_teams := [], chosen_ranges := []) as table
with
people as (
    -- Candidates, forecasts and holders are counted for the people in scope on d.
    select staff_id from scope_on(d, viewer_role, viewer_staff_id, chosen_framework, chosen_teams, chosen_ranges)
),

roles as (
    -- The chosen framework's roles (a vacant one included); with none chosen, the roles of the frameworks
    -- the staff list has anyone in, not those of a framework loaded only to compare careers against (on
    -- every date alike, so the forecast stays the replay of its date).
    select * from stg_roles
    where framework = chosen_framework
        or (chosen_framework is null and framework in (select framework from int_in_post_periods))
),

people_on_forecast_date as (
    -- The forecast is the replay of its date, scope included: the same question asked on that date.
    select staff_id
    from scope_on(succession_forecast_date(d), viewer_role, viewer_staff_id, chosen_framework, chosen_teams,
                  chosen_ranges)
),

feeders as (
    select role_code, count(*) as feeder_roles from int_succession_feeders group by role_code
),

in_post as (
    select role_code, count(*) as in_post from int_staff_in_post_on([d::date]) semi join people using (staff_id)
    group by role_code
),

bench as (
    select * from succession_on(d) semi join people using (staff_id)
),

bench_counts as (
    select
        role_code,
        count(*) filter (where bench = 'ready_now') as ready_now,
        count(*) filter (where bench = 'ready_within_12_months') as newly_ready_within_12_months,
        count(*) filter (where bench = 'ready_1_to_2_years') as ready_1_to_2_years,
        count(*) filter (where bench = 'longer_term') as longer_term,
        count(*) filter (where bench = 'ready_now' and not is_ready_on_forecast_date) as lapsing_within_12_months,
    from bench
    group by role_code
),

forecast as (
    -- Ready within 12 months is, by definition, the "ready now" count replayed on the forecast date.
    select role_code, count(*) as ready_within_12_months
    from succession_on(succession_forecast_date(d))
    semi join people_on_forecast_date using (staff_id)
    where bench = 'ready_now'
    group by role_code
),

moving_up as (
    -- Holders ready now or within 12 months for a role their own role feeds: posts that may need filling.
    select current_role_code as role_code, count(distinct staff_id) as moving_up
    from bench
    where bench in ('ready_now', 'ready_within_12_months')
    group by current_role_code
),

counted as (
    select
        roles.role_code,
        roles.role_title,
        roles.framework,
        roles.range,
        roles.role_order,
        coalesce(in_post.in_post, 0) as in_post,
        feeders.feeder_roles is not null as has_feeders,
        coalesce(bench_counts.ready_now, 0) as ready_now,
        coalesce(forecast.ready_within_12_months, 0) as ready_within_12_months,
        coalesce(bench_counts.newly_ready_within_12_months, 0) as newly_ready_within_12_months,
        coalesce(bench_counts.ready_1_to_2_years, 0) as ready_1_to_2_years,
        coalesce(bench_counts.longer_term, 0) as longer_term,
        coalesce(bench_counts.lapsing_within_12_months, 0) as lapsing_within_12_months,
        coalesce(moving_up.moving_up, 0) as moving_up,
    from roles
    left join feeders using (role_code)
    left join in_post using (role_code)
    left join bench_counts using (role_code)
    left join forecast using (role_code)
    left join moving_up using (role_code)
)

select
    counted.role_code,
    counted.role_title,
    counted.framework,
    counted.range,
    counted.in_post,
    counted.has_feeders,
    counted.ready_now,
    counted.ready_within_12_months,
    counted.newly_ready_within_12_months,
    counted.ready_1_to_2_years,
    counted.longer_term,
    counted.lapsing_within_12_months,
    succession_at_risk(counted.has_feeders, counted.in_post, counted.ready_now, counted.ready_within_12_months) as at_risk,
    -- An entry role's own measure: holders likely to move up within 12 months, whose posts recruitment would fill.
    case when not counted.has_feeders then counted.moving_up end as recruitment_need,
    succession_forecast_date(d) as forecast_date,
from counted
order by counted.framework, counted.range, counted.role_order
