-- grain: one row per piece of evidence against a known criterion (staff_id, criterion_id, evidence_date)
-- purpose: the evidence window: approved evidence counts from its date (valid_from) until its date plus its framework's evidence_window_months (valid_until, exclusive); null for evidence that never counts (submitted, rejected)
create or replace table int_evidence_periods as
with
windows as (
    -- Each criterion's window, from its framework's rules (a few hundred rows, joined before the evidence).
    select bits.*, rules.evidence_window_months,
    from int_requirement_bits as bits
    join stg_roles as roles using (role_code)
    join stg_framework_rules as rules using (framework)
)

select
    evidence.staff_id,
    evidence.criterion_id,
    windows.requirement_id,
    windows.requirement_bit,
    windows.level_id,
    windows.is_time_based,
    evidence.status,
    evidence.evidence_date,
    case when evidence.status = 'approved' then evidence.evidence_date end as valid_from,
    case when evidence.status = 'approved'
        then (evidence.evidence_date + to_months(windows.evidence_window_months))::date
    end as valid_until,
from stg_evidence as evidence
join windows using (criterion_id)
