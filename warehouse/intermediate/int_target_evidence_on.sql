-- grain: one row per as-of date, person below the top of their role, and piece of evidence dated on or before it against an evidence-based criterion of their target level
-- purpose: the evidence int_target_evidence matched, on each date: whether it counts on the date (its period holds the date); readers join it to the people in post on the date
create or replace macro int_target_evidence_on(as_of_dates) as table
select
    dates.as_of_date,
    evidence.staff_id,
    evidence.staff_key,
    evidence.requirement_id,
    evidence.requirement_bit,
    evidence.status,
    evidence.evidence_date,
    evidence.valid_until,
    coalesce(evidence.valid_from <= dates.as_of_date and dates.as_of_date < evidence.valid_until, false)
        as is_current,
from int_target_evidence as evidence
-- Evidence dated after d does not exist yet as far as d is concerned.
join (select unnest(list_distinct(as_of_dates::date[])) as as_of_date) as dates
    on evidence.evidence_date <= dates.as_of_date
