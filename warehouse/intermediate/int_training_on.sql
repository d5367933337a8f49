-- grain: one row per as-of date and person in post
-- purpose: the people of int_staff_in_post_on with mandatory training up to date on d: every mandatory course of the person's framework has a record whose int_training_periods period holds d
create or replace macro int_training_on(as_of_dates) as table
with
in_post as not materialized (
    -- Every column of int_staff_in_post_on, so a reader needing the people and their training expands it once.
    select * from int_staff_in_post_on(as_of_dates)
),

required as (
    select framework, count(*) as mandatory_course_count from stg_framework_mandatory_courses group by framework
),

current_courses as (
    -- The courses current on d fold into one integer per person (bit n = the framework's course n).
    select
        in_post.as_of_date,
        in_post.staff_id,
        bit_count(bit_or(1::ubigint << training.course_number)) as current_course_count,
    from in_post
    join int_training_periods as training
        on training.staff_id = in_post.staff_id
        and training.current_from <= in_post.as_of_date
        and (training.current_until is null or in_post.as_of_date < training.current_until)
    group by in_post.as_of_date, in_post.staff_id
)

select
    in_post.*,
    coalesce(required.mandatory_course_count, 0) - coalesce(current_courses.current_course_count, 0)
        as courses_not_current,
    coalesce(current_courses.current_course_count, 0) = coalesce(required.mandatory_course_count, 0) as is_training_ok,
from in_post
left join required using (framework)
left join current_courses using (as_of_date, staff_id)
