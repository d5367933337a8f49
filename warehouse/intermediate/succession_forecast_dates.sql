-- grain: scalar macro, one list of dates per call
-- purpose: the dates a list of as-of dates and their succession forecasts need: each date and its succession_forecast_date
create or replace macro succession_forecast_dates(as_of_dates) as (
    select list(distinct dates.as_of_date order by dates.as_of_date)
    from (
        select unnest([given.as_of_date, (given.as_of_date + to_months(settings.forecast_months))::date]) as as_of_date
        from (select unnest(as_of_dates::date[]) as as_of_date) as given
        cross join succession_settings as settings
    ) as dates
)
