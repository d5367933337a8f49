-- grain: scalar macro, one day per call
-- purpose: a date clamped into 1900-01-01 .. 2200-12-31, the days int_readiness_history_on keeps counts for
create or replace macro int_calendar_day(day) as
    greatest(least(day::date, date '2200-12-31'), date '1900-01-01')
