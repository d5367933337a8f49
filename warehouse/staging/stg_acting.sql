-- grain: one row per acting-up or secondment period (staff_id, role_code, start_date)
-- purpose: periods that count as experience in the role acted in
create or replace view stg_acting as
select
    staff_id,
    role_code,
    start_date,
    end_date,
    kind,
from acting
