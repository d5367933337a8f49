-- grain: one row per person in post on d
-- purpose: who is ready to move up a level on d, who will be and when (ready_on), and who is not
create or replace macro readiness_on(d) as table
select
    staff_id,
    name,
    team,
    line_manager_id,
    role_code,
    role_title,
    framework,
    range,
    level,
    target_level,
    requirements_total,
    requirements_met,
    requirements_missing,
    awaiting_signoff,
    tenure_months,
    training_ok,
    status,
    ready_date,
    effective_start_date,
    level_start_date,
    courses_not_current,
from int_readiness_on([d::date])
