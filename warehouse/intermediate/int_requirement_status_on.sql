-- grain: one row per as-of date, person in post below the top of their role, and requirement of their target level
-- purpose: an any-of group is met when any member is; its reason is the first in the list that applies to any member
create or replace macro int_requirement_status_on(as_of_dates) as table
with
criteria as (
    select
        *,
        case reason
            when 'tenure' then 1
            when 'training' then 2
            when 'awaiting_signoff' then 3
            when 'expired' then 4
            when 'rejected' then 5
            when 'no_evidence' then 6
        end as reason_rank,
    from int_criterion_status_on(as_of_dates)
),

members as (
    select distinct requirement_id, requirement_category, requirement_text from int_requirement_members
),

grouped as (
    select
        as_of_date,
        staff_id,
        role_code,
        target_level,
        requirement_id,
        bool_or(is_met) as is_met,
        min(reason_rank) as reason_rank,
        min(due_date) filter (where reason = 'tenure') as tenure_due_date,
        max(due_date) filter (where reason = 'expired') as expired_due_date,
        bool_and(is_time_based and reason = 'tenure' and is_training_ok) as is_waiting_on_tenure_only,
        min(tenure_date) filter (where reason = 'tenure') as ready_on_date,
        bool_or(has_submitted) as has_submitted,
        max(current_evidence_date) as current_evidence_date,
        max(evidence_expires_date) as evidence_expires_date,
        min(oldest_submitted_date) as oldest_submitted_date,
        bool_and(is_time_based) as is_time_based,
        min(tenure_date) as tenure_date,
    from criteria
    group by as_of_date, staff_id, role_code, target_level, requirement_id
)

select
    grouped.as_of_date,
    grouped.staff_id,
    grouped.role_code,
    grouped.target_level,
    grouped.requirement_id,
    members.requirement_category as category,
    members.requirement_text as criterion,
    grouped.is_met,
    case when not grouped.is_met then
        case grouped.reason_rank
            when 1 then 'tenure'
            when 2 then 'training'
            when 3 then 'awaiting_signoff'
            when 4 then 'expired'
            when 5 then 'rejected'
            when 6 then 'no_evidence'
        end
    end as reason,
    case when not grouped.is_met then
        case grouped.reason_rank
            when 1 then grouped.tenure_due_date
            when 4 then grouped.expired_due_date
        end
    end as due_date,
    not grouped.is_met and grouped.is_waiting_on_tenure_only as is_waiting_on_tenure_only,
    case when not grouped.is_met and grouped.is_waiting_on_tenure_only then grouped.ready_on_date end as ready_on_date,
    grouped.has_submitted,
    grouped.current_evidence_date,
    grouped.evidence_expires_date,
    grouped.oldest_submitted_date,
    grouped.is_time_based,
    grouped.tenure_date,
from grouped
join members using (requirement_id)
