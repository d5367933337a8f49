-- grain: one row per training record of a mandatory course of the person's framework (staff_id, course, completed_on)
-- purpose: which of its framework's mandatory courses a record is, numbered 0, 1, 2, ... (course_number: the bits of a mask); stored, as it changes only when rows are loaded
create or replace table int_training_records as
with
courses as (
    select
        framework,
        course,
        (row_number() over (partition by framework order by course) - 1)::integer as course_number,
    from stg_framework_mandatory_courses
)

select
    training.staff_id,
    people.staff_key,
    training.course,
    case
        when courses.course_number < 64 then courses.course_number
        else error('more than 64 mandatory courses')
    end as course_number,
    training.completed_on,
    training.expires_on,
from stg_training as training
-- The person's framework, from their post (a person whose level is unknown is never in post).
join int_in_post_periods as people using (staff_id)
join courses
    on courses.framework = people.framework
    and courses.course = training.course
