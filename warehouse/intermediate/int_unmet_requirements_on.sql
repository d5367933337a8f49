-- grain: one row per as-of date, person in post below the top of their role, and unmet requirement of their target level
-- purpose: the unmet rows of int_requirement_status_on (same columns and rules, and the person's name, team, range and
-- framework, so gaps_on need not look the people up again): the rows and reasons of int_unmet_reasons_on with the
-- dates behind them (when the time is reached, when the evidence stopped counting, the oldest waiting for sign-off)
create or replace macro int_unmet_requirements_on(as_of_dates) as table
with
time_facts as (
    -- The time-based requirements' dates (int_unmet_reasons_on folds the same rows into masks for the reasons).
    select as_of_date, staff_key, requirement_bit, is_waiting_on_tenure, tenure_due_date, tenure_date,
    from int_time_requirements_on(as_of_dates)
    where requirement_id is not null
),

unmet_evidence_dates as (
    -- The dates behind the reasons, per requirement (keyed by its bit: integer keys hash faster than its id,
    -- and a person has one target level). An unmet requirement has no current evidence, so only evidence
    -- that is submitted, or approved and not current, can give its dates: the rest is left out before the
    -- grouping rather than matched against the unmet rows.
    select
        as_of_date,
        staff_key,
        requirement_bit,
        max(valid_until) filter (where status = 'approved') as latest_approved_until,
        min(evidence_date) filter (where status = 'submitted') as oldest_submitted_date,
    from int_target_evidence_on(as_of_dates)
    where status = 'submitted' or (status = 'approved' and not is_current)
    group by as_of_date, staff_key, requirement_bit
),

assessed as (
    select
        unmet.*,
        time_facts.tenure_due_date,
        unmet_evidence_dates.latest_approved_until as expired_due_date,
        unmet.is_all_time_based and coalesce(time_facts.is_waiting_on_tenure, false) as is_waiting_on_tenure_only,
        unmet_evidence_dates.oldest_submitted_date,
        time_facts.tenure_date,
    from int_unmet_reasons_on(as_of_dates) as unmet
    -- On the bit, not the id: integer keys hash faster, and a person has one target level.
    left join time_facts
        on time_facts.as_of_date = unmet.as_of_date
        and time_facts.staff_key = unmet.staff_key
        and time_facts.requirement_bit = unmet.requirement_bit
    left join unmet_evidence_dates
        on unmet_evidence_dates.as_of_date = unmet.as_of_date
        and unmet_evidence_dates.staff_key = unmet.staff_key
        and unmet_evidence_dates.requirement_bit = unmet.requirement_bit
)

select
    as_of_date,
    staff_id,
    role_code,
    target_level,
    requirement_id,
    requirement_category as category,
    requirement_text as criterion,
    false as is_met,
    reason,
    case reason
        when 'tenure' then tenure_due_date
        when 'expired' then expired_due_date
    end as due_date,
    is_waiting_on_tenure_only,
    case when is_waiting_on_tenure_only then tenure_due_date end as ready_on_date,
    has_submitted,
    null::date as current_evidence_date,
    null::date as evidence_expires_date,
    oldest_submitted_date,
    is_all_time_based as is_time_based,
    tenure_date,
    is_only_blocker,
    name,
    team,
    range,
    framework,
    staff_key,
from assessed
