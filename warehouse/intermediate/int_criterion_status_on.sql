-- grain: one row per as-of date, person in post below the top of their role, and criterion of their target level
-- purpose: whether each criterion is met on d, and if not the first reason that applies, with its due date
create or replace macro int_criterion_status_on(as_of_dates) as table
with
in_post as (
    select * from int_staff_in_post_on(as_of_dates) where target_level is not null
),

tenure as (
    select * from int_tenure_on(as_of_dates)
),

training as (
    select * from int_training_on(as_of_dates)
),

members as (
    select * from int_requirement_members
),

evidence as (
    select * from stg_evidence
),

due as (
    select
        in_post.as_of_date,
        in_post.staff_id,
        members.*,
        tenure.effective_start_date,
        training.is_training_ok,
    from in_post
    join members
        on members.role_code = in_post.role_code
        and members.level = in_post.target_level
    join tenure using (as_of_date, staff_id)
    join training using (as_of_date, staff_id)
),

evidence_facts as (
    -- Evidence dated after d does not exist yet as far as d is concerned.
    select
        due.as_of_date,
        due.staff_id,
        due.criterion_id,
        bool_or(is_evidence_current(evidence.status, evidence.evidence_date, due.as_of_date)) as has_current_evidence,
        max(evidence.evidence_date) filter (
            where is_evidence_current(evidence.status, evidence.evidence_date, due.as_of_date)
        ) as current_evidence_date,
        max(evidence.evidence_date) filter (where evidence.status = 'approved') as latest_approved_date,
        min(evidence.evidence_date) filter (where evidence.status = 'submitted') as oldest_submitted_date,
        bool_or(evidence.status = 'submitted') as has_submitted,
        bool_or(evidence.status = 'rejected') as has_rejected,
    from due
    join evidence
        on evidence.staff_id = due.staff_id
        and evidence.criterion_id = due.criterion_id
        and evidence.evidence_date <= due.as_of_date
    where not due.is_time_based
    group by due.as_of_date, due.staff_id, due.criterion_id
),

assessed as (
    select
        due.*,
        case when due.is_time_based
            then (due.effective_start_date + to_months(due.min_months))::date
        end as tenure_date,
        coalesce(evidence_facts.has_current_evidence, false) as has_current_evidence,
        evidence_facts.current_evidence_date,
        evidence_facts.latest_approved_date,
        evidence_facts.oldest_submitted_date,
        coalesce(evidence_facts.has_submitted, false) as has_submitted,
        coalesce(evidence_facts.has_rejected, false) as has_rejected,
    from due
    left join evidence_facts using (as_of_date, staff_id, criterion_id)
),

judged as (
    select
        *,
        case
            when is_time_based then tenure_date <= as_of_date and is_training_ok
            else has_current_evidence
        end as is_met,
    from assessed
)

select
    as_of_date,
    staff_id,
    role_code,
    level as target_level,
    requirement_id,
    criterion_id,
    category,
    category_order,
    number,
    criterion,
    min_months,
    is_time_based,
    is_met,
    case
        when is_met then null
        when is_time_based and tenure_date > as_of_date then 'tenure'
        when is_time_based then 'training'
        when has_submitted then 'awaiting_signoff'
        when latest_approved_date is not null then 'expired'
        when has_rejected then 'rejected'
        else 'no_evidence'
    end as reason,
    case
        when is_met then null
        when is_time_based and tenure_date > as_of_date then tenure_date
        when is_time_based then null
        when has_submitted then null
        when latest_approved_date is not null then (latest_approved_date + interval 2 year)::date
    end as due_date,
    tenure_date,
    is_training_ok,
    has_submitted,
    current_evidence_date,
    latest_approved_date,
    oldest_submitted_date,
    case when current_evidence_date is not null
        then (current_evidence_date + interval 2 year)::date
    end as evidence_expires_date,
from judged
