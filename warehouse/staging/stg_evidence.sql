-- grain: one row per piece of evidence (staff_id, criterion_id, evidence_date)
-- purpose: evidence against criteria with its sign-off status
create or replace view stg_evidence as
select
    staff_id,
    criterion_id,
    evidence_date,
    status,
    assessor,
    note,
    evidence_ref,
from evidence
