-- grain: one row per as-of date, person in post below the top of their role, and requirement of their target level
-- purpose: an any-of group is met when any member is; its reason is the first in the list that applies to any member
-- (unmet_reason), due when its minimum time is reached or its latest approved evidence stopped counting
create or replace macro int_requirement_status_on(as_of_dates) as table
with
in_post as not materialized (
    select as_of_date, staff_id, role_code, target_level,
    from int_staff_in_post_on(as_of_dates)
    where target_level is not null
),

requirements as (
    select distinct
        role_code,
        level,
        requirement_id,
        requirement_category,
        requirement_text,
        is_all_time_based,
        has_evidence_member,
    from int_requirement_members
),

due as (
    select
        in_post.as_of_date,
        in_post.staff_id,
        in_post.role_code,
        in_post.target_level,
        requirements.requirement_id,
        requirements.requirement_category,
        requirements.requirement_text,
        requirements.is_all_time_based,
        requirements.has_evidence_member,
    from in_post
    join requirements
        on requirements.role_code = in_post.role_code
        and requirements.level = in_post.target_level
),

evidence_facts as (
    select
        as_of_date,
        staff_id,
        requirement_id,
        bool_or(is_current) as has_current_evidence,
        max(evidence_date) filter (where is_current) as current_evidence_date,
        max(valid_until) filter (where is_current) as current_evidence_until,
        max(evidence_date) filter (where status = 'approved') as latest_approved_date,
        max(valid_until) filter (where status = 'approved') as latest_approved_until,
        min(evidence_date) filter (where status = 'submitted') as oldest_submitted_date,
        bool_or(status = 'submitted') as has_submitted,
        bool_or(status = 'rejected') as has_rejected,
    from int_target_evidence_on(as_of_dates)
    group by as_of_date, staff_id, requirement_id
),

time_facts as (
    select
        as_of_date, staff_id, requirement_id, requirement_bit, is_all_time_based, is_met, has_tenure_reason,
        is_waiting_on_tenure, tenure_due_date, tenure_date,
    from int_time_requirements_on(as_of_dates)
    where requirement_id is not null
),

assessed as (
    select
        due.*,
        coalesce(evidence_facts.has_current_evidence, false) or coalesce(time_facts.is_met, false) as is_met,
        unmet_reason(
            time_facts.requirement_id is not null, time_facts.has_tenure_reason, due.has_evidence_member,
            evidence_facts.has_submitted, evidence_facts.latest_approved_date is not null, evidence_facts.has_rejected
        ) as reason_if_unmet,
        time_facts.tenure_due_date,
        evidence_facts.latest_approved_until as expired_due_date,
        due.is_all_time_based and coalesce(time_facts.is_waiting_on_tenure, false) as is_waiting_on_tenure_only,
        coalesce(evidence_facts.has_submitted, false) as has_submitted,
        evidence_facts.current_evidence_date,
        evidence_facts.current_evidence_until,
        evidence_facts.oldest_submitted_date,
        time_facts.tenure_date,
    from due
    left join evidence_facts using (as_of_date, staff_id, requirement_id)
    left join time_facts using (as_of_date, staff_id, requirement_id)
)

select
    as_of_date,
    staff_id,
    role_code,
    target_level,
    requirement_id,
    requirement_category as category,
    requirement_text as criterion,
    is_met,
    case when not is_met then reason_if_unmet end as reason,
    case when not is_met then
        case reason_if_unmet
            when 'tenure' then tenure_due_date
            when 'expired' then expired_due_date
        end
    end as due_date,
    not is_met and is_waiting_on_tenure_only as is_waiting_on_tenure_only,
    case when not is_met and is_waiting_on_tenure_only then tenure_due_date end as ready_on_date,
    has_submitted,
    current_evidence_date,
    current_evidence_until as evidence_expires_date,
    oldest_submitted_date,
    is_all_time_based as is_time_based,
    tenure_date,
from assessed
