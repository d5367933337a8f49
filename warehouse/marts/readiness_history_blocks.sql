-- grain: one row per person in post at any month-end between start and stop, and block of up to 64 of those month-ends
-- purpose: readiness_history in compact form, for counting: group on the masks first, then spread each group over its
-- month-ends (block_dates; bit k of a mask is block_dates[k + 1]) with history_status
create or replace macro readiness_history_blocks(start, stop) as table
with
month_ends as (
    select int_month_ends(start, stop) as month_ends
)

select
    blocks.*,
    month_ends.month_ends[64 * blocks.chunk + 1 : 64 * blocks.chunk + 64] as block_dates,
from int_readiness_history_blocks((select month_ends from month_ends)) as blocks
cross join month_ends
