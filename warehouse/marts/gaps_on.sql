-- grain: one row per person in post on d and unmet requirement of their target level
-- purpose: what holds each person back, with the first reason that applies and when it falls due
create or replace macro gaps_on(d) as table
with
requirements as (
    select * from int_unmet_requirements_on([d::date])
),

in_post as (
    select staff_id, team, name, range, framework from int_staff_in_post_on([d::date])
)

select
    requirements.staff_id,
    in_post.name,
    in_post.team,
    in_post.range,
    in_post.framework,
    requirements.role_code,
    requirements.target_level,
    requirements.requirement_id,
    requirements.category,
    requirements.criterion,
    requirements.reason,
    requirements.due_date,
    requirements.oldest_submitted_date,
from requirements
join in_post using (staff_id)
