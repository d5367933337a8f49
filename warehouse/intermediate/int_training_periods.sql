-- grain: one row per training record of a mandatory course of the person's framework (staff_id, course, completed_on)
-- purpose: training currency: a record keeps its course current from completed_on (current_from) until expires_on (current_until, exclusive; null: never expires), with the forecast assumption for dates after today (expires_on: the recorded expiry); course_number numbers the framework's courses 0, 1, 2, ... (bits of a mask)
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
    -- Forecast assumption: a record current today is assumed renewed when it lapses, so it stays current
    -- on every date after today; this changes no date up to today (it ends after today anyway). A course
    -- already lapsed today stays lapsed until a new record is loaded.
    case
        when training.completed_on <= current_date
            and (training.expires_on is null or current_date < training.expires_on) then null
        else training.expires_on
    end as current_until,
    -- The expiry as recorded, for saying when a course runs out (current_until holds the assumption).
    training.expires_on,
from stg_training as training
-- The person's framework, from their role (a person whose level is unknown is never in post, int_in_post_periods).
join stg_staff as people using (staff_id)
join stg_roles as roles using (role_code)
join courses
    on courses.framework = roles.framework
    and courses.course = training.course
