-- grain: one row per person in post on d and requirement of their target level, met or not
-- purpose: the Person page's checklist: every requirement with its status, evidence date, reason and expiry
create or replace macro requirement_status_on(d) as table
select
    staff_id,
    role_code,
    target_level,
    requirement_id,
    category,
    criterion,
    is_met,
    reason,
    due_date,
    current_evidence_date as evidence_date,
    evidence_expires_date,
    is_time_based,
    tenure_date,
from int_requirement_status_on([d::date])
