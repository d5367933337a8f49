-- grain: one row per piece of approved evidence against an entry requirement of a role the person's post feeds (staff_id, role_code, criterion_id, evidence_date)
-- purpose: the evidence a succession candidate brings to a role (int_succession_feeders, int_entry_requirements), with the period it counts (int_evidence_periods); stored, so each date's bench is a range filter
create or replace table int_entry_evidence as
select
    people.staff_id,
    people.staff_key,
    feeders.role_code,
    entry.requirement_bit,
    evidence.valid_from,
    evidence.valid_until,
from int_evidence_periods as evidence
join int_in_post_periods as people using (staff_id)
join int_succession_feeders as feeders on feeders.feeder_role_code = people.role_code
join int_entry_requirements as entry
    on entry.criterion_id = evidence.criterion_id
    and entry.role_code = feeders.role_code
where evidence.valid_from is not null
