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
    -- The courses current on d fold into one integer per person (bit n = the framework's course n); folded
    -- before meeting the people in post, so the join is one row per person, not one per record.
    select
        dates.as_of_date,
        training.staff_key,
        bit_count(bit_or(1::ubigint << training.course_number)) as current_course_count,
    from int_training_periods as training
    join (select unnest(list_distinct(as_of_dates::date[])) as as_of_date) as dates
        on training.current_from <= dates.as_of_date
        and (training.current_until is null or dates.as_of_date < training.current_until)
    group by dates.as_of_date, training.staff_key
)

select
    in_post.*,
    coalesce(required.mandatory_course_count, 0) - coalesce(current_courses.current_course_count, 0)
        as courses_not_current,
    coalesce(current_courses.current_course_count, 0) = coalesce(required.mandatory_course_count, 0) as is_training_ok,
from in_post
left join required using (framework)
left join current_courses using (as_of_date, staff_key)
