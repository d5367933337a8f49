-- grain: one row per framework and mandatory course it uses
-- purpose: the courses a framework's staff must keep up to date: those its rules file lists (none for "none"), or every course in the mandatory courses list when it lists none
create or replace view stg_framework_mandatory_courses as
select rules.framework, courses.course,
from stg_framework_rules as rules
join framework_mandatory_courses as courses using (framework)
where rules.mandatory_courses_listed
union all
select rules.framework, courses.course,
from stg_framework_rules as rules
cross join stg_mandatory_courses as courses
where not rules.mandatory_courses_listed
