-- grain: one row per as-of date and person below the top of their role with evidence against their target level
-- purpose: that evidence folded into one bitmask per kind (bit n = the level's requirement n): current on the date
-- (it counts), submitted, approved and rejected; readiness and the gaps read these masks, so "met by evidence" is
-- decided here once
create or replace macro int_evidence_masks_on(as_of_dates) as table
select
    as_of_date,
    staff_key,
    bit_or(case when is_current then requirement_bit else 0::ubigint end) as current_mask,
    bit_or(case when status = 'submitted' then requirement_bit else 0::ubigint end) as submitted_mask,
    bit_or(case when status = 'approved' then requirement_bit else 0::ubigint end) as approved_mask,
    bit_or(case when status = 'rejected' then requirement_bit else 0::ubigint end) as rejected_mask,
from int_target_evidence_on(as_of_dates)
group by as_of_date, staff_key
