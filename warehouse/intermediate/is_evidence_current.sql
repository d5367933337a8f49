-- grain: scalar macro, one answer per piece of evidence and as-of date
-- purpose: the two-year rule: approved evidence counts on d when dated on or before d and after d minus two years
create or replace macro is_evidence_current(status, evidence_date, as_of_date) as
    status = 'approved'
    and evidence_date <= as_of_date
    and evidence_date > (as_of_date - interval 2 year)::date
