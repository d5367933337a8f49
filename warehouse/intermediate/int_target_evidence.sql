-- grain: one row per piece of evidence against an evidence-based criterion of the target level of the person's post (staff_id, criterion_id, evidence_date)
-- purpose: the evidence the readiness rules read, matched once to the requirement it counts towards (a person has one post, so the match does not depend on the as-of date), with its int_evidence_periods period; stored
create or replace table int_target_evidence as
select
    evidence.staff_id,
    people.staff_key,
    evidence.requirement_id,
    evidence.requirement_bit,
    evidence.status,
    evidence.evidence_date,
    evidence.valid_from,
    evidence.valid_until,
from int_evidence_periods as evidence
join int_in_post_periods as people
    on people.staff_id = evidence.staff_id
    and people.target_level_id = evidence.level_id
where not evidence.is_time_based
