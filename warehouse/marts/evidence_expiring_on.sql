-- grain: one row per person in post on d and requirement of their target level met on current evidence whose period (int_evidence_periods) ends within `days`
-- purpose: whose evidence needs renewing soon; the same rows as requirement_status_on filtered that way, read from approved evidence only
create or replace macro evidence_expiring_on(d, days) as table
with
in_post as not materialized (
    select staff_id, target_level_id,
    from int_staff_in_post_on([d::date])
    where target_level is not null
),

requirements as (
    select distinct requirement_id, requirement_category, requirement_text from int_requirement_members
),

current_evidence as (
    -- Evidence counting on d against the target level: the latest per requirement, and when it stops counting.
    select
        evidence.staff_id,
        evidence.requirement_id,
        max(evidence.evidence_date) as current_evidence_date,
        max(evidence.valid_until) as evidence_expires_date,
    from int_evidence_periods as evidence
    join in_post
        on in_post.staff_id = evidence.staff_id
        and in_post.target_level_id = evidence.level_id
    where not evidence.is_time_based
        and evidence.valid_from <= d::date
        and d::date < evidence.valid_until
    group by evidence.staff_id, evidence.requirement_id
)

select
    current_evidence.staff_id,
    current_evidence.requirement_id,
    requirements.requirement_category as category,
    requirements.requirement_text as criterion,
    current_evidence.current_evidence_date,
    current_evidence.evidence_expires_date,
from current_evidence
join requirements using (requirement_id)
where current_evidence.evidence_expires_date <= (d::date + to_days(days))::date
