-- grain: one row per mandatory course
-- purpose: the courses everyone must keep up to date
create or replace view stg_mandatory_courses as
select course from mandatory_courses
