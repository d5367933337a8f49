-- grain: one row per training record of a mandatory course of the person's framework (staff_id, course, completed_on)
-- purpose: training currency: a record keeps its course current from completed_on (current_from) until expires_on (current_until, exclusive; null: never expires), with the forecast assumption for dates after today (expires_on: the recorded expiry); course_number from int_training_records
create or replace view int_training_periods as
select
    staff_id,
    staff_key,
    course,
    course_number,
    completed_on as current_from,
    -- Forecast assumption: a record current today is assumed renewed when it lapses, so it stays current
    -- on every date after today; this changes no date up to today (it ends after today anyway). A course
    -- already lapsed today stays lapsed until a new record is loaded.
    case
        when completed_on <= current_date
            and (expires_on is null or current_date < expires_on) then null
        else expires_on
    end as current_until,
    -- The expiry as recorded, for saying when a course runs out (current_until holds the assumption).
    expires_on,
from int_training_records
