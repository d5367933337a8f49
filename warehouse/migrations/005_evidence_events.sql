-- grain: one row per submission or sign-off decision made in the product (event_id)
-- purpose: evidence submitted by staff and signed off by their line managers in the dashboard; appended, never updated (the reconciled history is stg_evidence)

create table evidence_events (
    event_id varchar not null primary key,
    staff_id varchar not null,
    criterion_id varchar not null,
    evidence_date date not null,
    -- submitted | approved | rejected
    status varchar not null,
    evidence_ref varchar,
    note varchar,
    -- who acted: the person submitting, or the assessor deciding (their staff_id, when they have one)
    recorded_by varchar,
    recorded_by_email varchar,
    -- the assessor's name as evidence.csv holds it (decisions only)
    assessor varchar,
    decided_on date,
    recorded_at timestamp not null,
    page varchar,
    source varchar not null default 'product',
);
