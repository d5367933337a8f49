-- grain: one row per person in post on d and unmet requirement of their target level held back by a minimum time that completes within `days_ahead`
-- purpose: whose time at level completes soon; the same rows as gaps_on with reason 'tenure' and due_date <= d + days, read from dates, not evidence
create or replace macro tenure_completing_on(d, days_ahead) as table
with
in_post as (
    select
        staff_id, name, team, range, framework, role_code, target_level,
    from int_staff_in_post_on([d::date])
    where target_level is not null
),

requirements as (
    select distinct requirement_id, requirement_category, requirement_text, has_evidence_member
    from int_requirement_members
),

waiting as (
    -- The rules of int_unmet_requirements_on: the reason is tenure when a time-based member has not
    -- reached its time, unless the requirement is met (a member reached with training up to date).
    select staff_id, requirement_id, tenure_due_date as due_date,
    from int_time_requirements_on([d::date])
    where requirement_id is not null and not is_met and has_tenure_reason
),

due_soon as (
    select waiting.*, requirements.requirement_category, requirements.requirement_text,
        requirements.has_evidence_member,
    from waiting
    join requirements using (requirement_id)
    where waiting.due_date <= (d::date + to_days(days_ahead))::date
),

met_on_evidence as (
    -- An any-of requirement with an evidenced member is met by evidence counting on d (int_evidence_periods)
    -- against that member; only the few requirements due soon are looked up.
    select distinct due_soon.staff_id, due_soon.requirement_id,
    from due_soon
    join int_evidence_periods as evidence
        on evidence.staff_id = due_soon.staff_id
        and evidence.requirement_id = due_soon.requirement_id
        and not evidence.is_time_based
    where due_soon.has_evidence_member
        and evidence.valid_from <= d::date
        and d::date < evidence.valid_until
)

select
    due_soon.staff_id,
    in_post.name,
    in_post.team,
    in_post.range,
    in_post.framework,
    in_post.role_code,
    in_post.target_level,
    due_soon.requirement_id,
    due_soon.requirement_category as category,
    due_soon.requirement_text as criterion,
    due_soon.due_date,
from due_soon
join in_post using (staff_id)
anti join met_on_evidence using (staff_id, requirement_id)
