-- grain: one row: the succession settings
-- purpose: the succession planning thresholds, held once (docs/rules.md, Succession): bench bands, the forecast horizon and the risk rule
create or replace view succession_settings as
select
    -- A candidate with less coverage of a role's entry requirements than this is on no bench at all.
    0.25::decimal(4, 3) as minimum_coverage,
    -- At least this coverage today (and not ready sooner): the ready_1_to_2_years band.
    0.5::decimal(4, 3) as ready_in_1_to_2_years_coverage,
    -- Ready within this many months: ready on the as-of replay of d plus this many months.
    12 as forecast_months,
    -- A role with people in post and feeders is at risk with fewer than this many ready now ...
    1 as safe_ready_now,
    -- ... or fewer than this many ready within the forecast months.
    2 as safe_ready_within_12_months,
