-- grain: one row per piece of evidence whose file row holds a different decision than the product's (staff_id, criterion_id, evidence_date)
-- purpose: what an administrator must reconcile with HR's files: the decision made in the product (which stands) and the file's different decision (not applied)
create or replace view evidence_conflicts as
select
    staff_id,
    criterion_id,
    evidence_date,
    status as product_status,
    file_status,
    assessor as product_assessor,
    decided_on,
    decided_by,
from stg_evidence
where is_conflict
