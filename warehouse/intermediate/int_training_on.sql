-- grain: one row per as-of date and person in post
-- purpose: whether every mandatory course has a record completed on or before d that has not expired by d
create or replace macro int_training_on(as_of_dates) as table
with
in_post as (
    select as_of_date, staff_id from int_staff_in_post_on(as_of_dates)
),

mandatory as (
    -- Each mandatory course gets one bit (its position in this list), so the courses that are
    -- current on d fold into one integer per person.
    select list(course order by course) as courses from stg_mandatory_courses
),

training as (
    select
        training.staff_id,
        training.completed_on,
        training.expires_on,
        list_position(mandatory.courses, training.course) - 1 as course_number,
    from stg_training as training
    cross join mandatory
),

current_courses as (
    select
        in_post.as_of_date,
        in_post.staff_id,
        bit_count(bit_or(
            case
                when training.course_number < 64 then 1::ubigint << training.course_number::integer
                else error('more than 64 mandatory courses')
            end
        )) as current_course_count,
    from in_post
    join training
        on training.staff_id = in_post.staff_id
        and training.completed_on <= in_post.as_of_date
        and (training.expires_on is null or training.expires_on > in_post.as_of_date)
    where training.course_number is not null
    group by in_post.as_of_date, in_post.staff_id
),

required as (
    select count(*) as mandatory_course_count from stg_mandatory_courses
)

select
    in_post.as_of_date,
    in_post.staff_id,
    required.mandatory_course_count - coalesce(current_courses.current_course_count, 0) as courses_not_current,
    coalesce(current_courses.current_course_count, 0) = required.mandatory_course_count as is_training_ok,
from in_post
cross join required
left join current_courses using (as_of_date, staff_id)
