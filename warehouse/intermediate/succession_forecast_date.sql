-- grain: scalar macro, one date per call
-- purpose: the date a succession forecast from d looks ahead to: d plus succession_settings.forecast_months (12)
create or replace macro succession_forecast_date(d) as (
    select (d::date + to_months(forecast_months))::date from succession_settings
)
