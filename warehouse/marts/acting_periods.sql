-- grain: one row per acting-up or secondment period (staff_id, start_date)
-- purpose: the periods as pages show them on a person's timeline (the time they count towards a level is worked out in int_acting_credit)
create or replace view acting_periods as
select staff_id, role_code, start_date, end_date, kind,
from stg_acting
