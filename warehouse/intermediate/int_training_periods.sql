-- grain: one row per training record of a mandatory course of the person's framework (staff_id, course, completed_on)
-- purpose: training currency: a record keeps its course current from completed_on (current_from) until expires_on (current_until, exclusive; null: never expires); course_number numbers the framework's courses 0, 1, 2, ... (bits of a mask)
create or replace view int_training_periods as
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
    training.course,
    case
        when courses.course_number < 64 then courses.course_number
        else error('more than 64 mandatory courses')
    end as course_number,
    training.completed_on as current_from,
    training.expires_on as current_until,
from stg_training as training
join int_in_post_periods as people using (staff_id)
join courses
    on courses.framework = people.framework
    and courses.course = training.course
