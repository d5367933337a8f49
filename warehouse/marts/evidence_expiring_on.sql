-- grain: one row per person in post on d and requirement of their target level met on current evidence that turns two years old within `days`
-- purpose: whose evidence needs renewing soon; the same rows as requirement_status_on filtered that way, read from approved evidence only
create or replace macro evidence_expiring_on(d, days) as table
with
in_post as not materialized (
    select staff_id, role_code, target_level, target_level_key,
    from int_staff_in_post_on([d::date])
    where target_level is not null
),

bits as (
    select * from int_requirement_bits where not is_time_based
),

requirements as (
    select distinct requirement_id, requirement_category, requirement_text from int_requirement_members
),

current_evidence as (
    -- Current evidence (is_evidence_current: approved, dated in (d - 2 years, d]) against the target
    -- level: its latest date per requirement.
    select
        evidence.staff_id,
        bits.requirement_id,
        max(evidence.evidence_date) as current_evidence_date,
    from stg_evidence as evidence
    join in_post
        on in_post.staff_id = evidence.staff_id
    join bits
        on bits.criterion_id = evidence.criterion_id
        and bits.level_key = in_post.target_level_key
    where evidence.status = 'approved'
        and evidence.evidence_date > (d::date - interval 2 year)::date
        and evidence.evidence_date <= d::date
    group by evidence.staff_id, bits.requirement_id
)

select
    current_evidence.staff_id,
    current_evidence.requirement_id,
    requirements.requirement_category as category,
    requirements.requirement_text as criterion,
    current_evidence.current_evidence_date,
    (current_evidence.current_evidence_date + interval 2 year)::date as evidence_expires_date,
from current_evidence
join requirements using (requirement_id)
where (current_evidence.current_evidence_date + interval 2 year)::date <= (d::date + to_days(days))::date
