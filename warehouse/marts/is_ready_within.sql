-- grain: scalar macro, one answer per person and horizon
-- purpose: "ready within n months" of d: status ready_on with its ready_date on or before d plus n calendar months (the Overview's 3 and 6 months)
create or replace macro is_ready_within(status, ready_date, d, months) as
    status = 'ready_on' and ready_date <= (d::date + to_months(months))::date
