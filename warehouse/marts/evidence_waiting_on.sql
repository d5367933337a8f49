-- grain: one row per piece of evidence awaiting sign-off on d (staff_id, criterion_id, evidence_date)
-- purpose: the sign-off queue: evidence submitted and not yet decided, how many working days it has waited since its submission, and whether that is longer than the 10 working days a line manager has to decide
create or replace macro evidence_waiting_on(d) as table
with
waiting as (
    select * from stg_evidence
    where status = 'submitted' and submitted_on <= d::date and evidence_date <= d::date
)

select
    waiting.staff_id,
    waiting.criterion_id,
    waiting.evidence_date,
    waiting.submitted_on,
    waiting.evidence_ref,
    waiting.note,
    waiting.source,
    criteria.criterion,
    staff.name,
    staff.team,
    staff.line_manager_id,
    working_days_between(waiting.submitted_on, d) as working_days_waiting,
    10 as overdue_after_working_days,
    working_days_between(waiting.submitted_on, d) > 10 as is_overdue,
from waiting
join staff_in_post_on(d) as staff using (staff_id)
left join stg_criteria as criteria using (criterion_id)
