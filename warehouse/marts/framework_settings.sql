-- grain: one row per framework with roles loaded
-- purpose: the rule settings a council sets in each framework's rules file, for pages to state in words (the evidence window, whether time-based criteria also need training, the mandatory courses); the rules themselves read them in their own files
create or replace view framework_settings as
with
courses as (
    select framework, list(course order by course) as mandatory_courses,
    from stg_framework_mandatory_courses
    group by framework
)

select
    rules.framework,
    rules.evidence_window_months,
    rules.time_criteria_need_training,
    coalesce(courses.mandatory_courses, []::varchar[]) as mandatory_courses,
from stg_framework_rules as rules
left join courses using (framework)
