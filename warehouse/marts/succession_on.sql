-- grain: one row per role and candidate for it on d with at least the minimum coverage (succession_settings)
-- purpose: the succession bench: holders of the roles that feed a role (int_succession_feeders), banded by one forecast model
-- (ready now; ready within 12 months = ready on the as-of replay of d + 12 months; at least half covered; some progress)
create or replace macro succession_on(d) as table
with
settings as (
    select * from succession_settings
),

dated as (
    select * from int_succession_on([d::date, succession_forecast_date(d)])
),

today as (
    select * from dated where as_of_date = d::date
),

forecast as (
    -- The same facts replayed on the forecast date: evidence ageing, leavers gone, nothing new invented.
    select role_code, staff_id, entry_requirements_met, is_ready
    from dated
    where as_of_date = succession_forecast_date(d)
),

roles as (
    select * from stg_roles
),

banded as (
    select
        today.*,
        succession_forecast_date(d) as forecast_date,
        coalesce(forecast.is_ready, false) as is_ready_on_forecast_date,
        coalesce(forecast.entry_requirements_met, 0) as entry_requirements_met_on_forecast_date,
        case
            when today.is_ready then 'ready_now'
            when forecast.is_ready then 'ready_within_12_months'
            when today.coverage >= settings.ready_in_1_to_2_years_coverage then 'ready_1_to_2_years'
            else 'longer_term'
        end as bench,
    from today
    cross join settings
    left join forecast using (role_code, staff_id)
    where today.coverage >= settings.minimum_coverage
)

select
    banded.role_code,
    roles.role_title,
    roles.framework,
    roles.range as target_range,
    banded.staff_id,
    banded.name,
    banded.team,
    banded.current_role_code,
    banded.current_role_title,
    banded.current_framework,
    banded.current_range,
    banded.current_level,
    banded.is_top_of_current_role,
    banded.entry_requirements_total,
    banded.entry_requirements_met,
    banded.coverage,
    banded.bench,
    case banded.bench
        when 'ready_now' then 1
        when 'ready_within_12_months' then 2
        when 'ready_1_to_2_years' then 3
        else 4
    end as bench_order,
    banded.forecast_date,
    banded.is_ready_on_forecast_date,
    banded.entry_requirements_met_on_forecast_date,
from banded
join roles using (role_code)
