-- grain: one row per person in post on d and unmet requirement of their target level
-- purpose: what holds each person back, with the first reason that applies and when it falls due
create or replace macro gaps_on(d) as table
select
    staff_id,
    name,
    team,
    range,
    framework,
    role_code,
    target_level,
    requirement_id,
    category,
    criterion,
    reason,
    due_date,
    oldest_submitted_date,
    is_only_blocker,
from int_unmet_requirements_on([d::date])
