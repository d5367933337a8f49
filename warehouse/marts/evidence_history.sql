-- grain: one row per piece of evidence (staff_id, criterion_id, evidence_date)
-- purpose: the one evidence history as pages list it (files and the product reconciled in stg_evidence): status, assessor, note, where it is saved, when it was decided and where it came from
create or replace view evidence_history as
select * from stg_evidence
