-- grain: one row per training record (staff_id, course, completed_on)
-- purpose: training records, flagged when the course is mandatory
create or replace view stg_training as
select
    training.staff_id,
    training.course,
    training.completed_on,
    training.expires_on,
    training.course in (select course from mandatory_courses) as is_mandatory,
from training
