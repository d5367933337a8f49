-- grain: one row per framework with roles loaded
-- purpose: the rule settings each framework's rules file gives (evidence window in months, whether time-based criteria also need mandatory training); fails loudly for a framework without them
create or replace view stg_framework_rules as
with
frameworks as (
    select distinct framework from roles
)

select
    frameworks.framework,
    case when rules.framework is null
        then error('framework ' || frameworks.framework || ' has no rules: reload its files')
        else rules.evidence_window_months
    end as evidence_window_months,
    rules.time_criteria_need_training,
    rules.mandatory_courses_listed,
from frameworks
left join framework_rules as rules using (framework)
