-- grain: one row: how far ahead the next actions look
-- purpose: the horizons of "keep in date", held once: next_actions_on reads them, and the Team page states them and asks its tabs for the same days
create or replace view keep_in_date_settings as
select
    -- Mandatory training current today that runs out within this many days is listed for renewal.
    60 as training_expiring_days,
    -- Evidence counting today that stops counting within this many days is listed for renewal.
    90 as evidence_expiring_days,
    -- Minimum times at level completing within this many days are listed.
    90 as tenure_completing_days,
