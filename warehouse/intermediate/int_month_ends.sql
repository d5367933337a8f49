-- grain: scalar macro, one list of dates per call
-- purpose: the month-ends between start and stop in order: the dates a trend is drawn on
create or replace macro int_month_ends(start, stop) as (
    select list(month_end order by month_end)
    from (
        select (month_start + interval 1 month - interval 1 day)::date as month_end
        from range(date_trunc('month', start::date), stop::date + interval 1 day, interval 1 month) as months(month_start)
    )
    where month_end between start::date and stop::date
)
