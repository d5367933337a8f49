-- grain: one row per person in post on d and mandatory course current on d that runs out within `days`
-- purpose: whose mandatory training needs renewing soon, from mandatory_training_on's expiry (the latest record: a course already renewed is not listed)
create or replace macro training_expiring_on(d, days) as table
select staff_id, course, expires_date,
from mandatory_training_on(d)
where is_current and expires_date <= (d::date + to_days(days))::date
