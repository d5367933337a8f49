-- grain: one row per piece of evidence (staff_id, criterion_id, evidence_date)
-- purpose: THE evidence history: evidence loaded from files and evidence submitted and signed off in the product, reconciled by one rule (a decision beats a submission; a product decision stands against a different decision in a later file, which is flagged as a conflict)
create or replace view stg_evidence as
with
file_rows as not materialized (
    -- Read twice below; never materialised, so a filter on the loaded rows reaches the table's scan.
    select staff_id, criterion_id, evidence_date, status, assessor, note, evidence_ref,
    from evidence
),

submissions as (
    -- The product's submission of each piece: the first one's date is when it started waiting.
    select
        staff_id, criterion_id, evidence_date,
        min(recorded_at)::date as submitted_on,
        arg_max(evidence_ref, recorded_at) as evidence_ref,
        arg_max(note, recorded_at) as note,
    from evidence_events
    where status = 'submitted'
    group by staff_id, criterion_id, evidence_date
),

decisions as (
    -- The product's decision on each piece (the write allows one; the latest by date stands if ever two).
    select
        staff_id, criterion_id, evidence_date,
        arg_max(status, (decided_on, recorded_at, event_id)) as status,
        arg_max(assessor, (decided_on, recorded_at, event_id)) as assessor,
        arg_max(recorded_by, (decided_on, recorded_at, event_id)) as decided_by,
        arg_max(note, (decided_on, recorded_at, event_id)) as note,
        max(decided_on) as decided_on,
    from evidence_events
    where status in ('approved', 'rejected')
    group by staff_id, criterion_id, evidence_date
),

product as (
    -- Pieces with any product event: a few thousand rows at most, so the files' million rows join against it cheaply.
    select
        staff_id, criterion_id, evidence_date,
        submissions.submitted_on,
        submissions.evidence_ref as submitted_evidence_ref,
        submissions.note as submitted_note,
        decisions.status as decided_status,
        decisions.assessor as decided_assessor,
        decisions.decided_by,
        decisions.note as decided_note,
        decisions.decided_on,
    from submissions
    full outer join decisions using (staff_id, criterion_id, evidence_date)
),

joined as (
    -- Pieces the product has touched, with their file row if any (a few thousand rows at most).
    select
        staff_id, criterion_id, evidence_date,
        file_rows.status as file_status,
        file_rows.assessor as file_assessor,
        file_rows.note as file_note,
        file_rows.evidence_ref as file_evidence_ref,
        product.* exclude (staff_id, criterion_id, evidence_date),
    from product
    left join file_rows using (staff_id, criterion_id, evidence_date)
),

pieces as (
    select
        *,
        -- THE reconciliation rule: a product decision, else a file decision, else a product submission, else the file.
        case
            when decided_status is not null then 'product'
            when file_status in ('approved', 'rejected') then 'file'
            when submitted_on is not null then 'product'
            else 'file'
        end as source,
    from joined
),

reconciled as (
    select
        staff_id,
        criterion_id,
        evidence_date,
        case when source = 'file' then file_status else coalesce(decided_status, 'submitted') end as status,
        case when source = 'file' then file_assessor else decided_assessor end as assessor,
        case
            when source = 'file' then file_note
            when decided_note is null then submitted_note
            else coalesce(submitted_note || ' | ', '') || 'Sign-off: ' || decided_note
        end as note,
        case when source = 'file' then coalesce(file_evidence_ref, submitted_evidence_ref)
            else coalesce(submitted_evidence_ref, file_evidence_ref)
        end as evidence_ref,
        source,
        -- Since when it has waited for sign-off: its submission in the product; a file's submission, its evidence date.
        coalesce(submitted_on, evidence_date) as submitted_on,
        case when source = 'product' then decided_on end as decided_on,
        case when source = 'product' then decided_by end as decided_by,
        file_status,
        -- A file holding a different decision than the product's: the product's stands, the administrator reconciles.
        coalesce(decided_status is not null and file_status in ('approved', 'rejected') and file_status <> decided_status,
            false) as is_conflict,
    from pieces
)

-- Pieces only a file knows (nearly all): passed through as loaded, so filters on them reach the table's scan.
select
    staff_id, criterion_id, evidence_date, status, assessor, note, evidence_ref,
    'file' as source,
    evidence_date as submitted_on,
    null::date as decided_on,
    null::varchar as decided_by,
    status as file_status,
    false as is_conflict,
from file_rows
anti join product using (staff_id, criterion_id, evidence_date)
union all
select * from reconciled
