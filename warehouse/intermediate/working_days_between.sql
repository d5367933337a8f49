-- grain: scalar macro, one count per pair of dates
-- purpose: THE working-day count: weekdays (Monday to Friday) after the first date up to and including the second; bank holidays are not known and count as working days
create or replace macro working_days_between(first_day, last_day) as (
    select count(*)
    from range(first_day::date + 1, last_day::date + 1, interval 1 day) as days(day)
    where isodow(day) <= 5
)
