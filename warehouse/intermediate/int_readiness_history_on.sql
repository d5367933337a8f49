-- grain: one row per as-of date and person in post on it
-- purpose: the readiness status (only) on many dates at once, as int_readiness_on gives it, for trends: the blocks of
-- int_readiness_history_blocks spread over their dates
create or replace macro int_readiness_history_on(as_of_dates) as table
with
dates as (
    -- Numbered as int_readiness_history_blocks numbers them: date n is bit n % 64 of chunk n // 64.
    select as_of_date, (row_number() over (order by as_of_date) - 1)::integer as date_number,
    from (select distinct unnest(as_of_dates::date[]) as as_of_date)
    where as_of_date is not null
),

expanded as (
    select
        blocks.*,
        dates.as_of_date,
        dates.date_number % 64 as k,
    from int_readiness_history_blocks(as_of_dates) as blocks
    join dates
        on dates.date_number // 64 = blocks.chunk
    where (blocks.in_post_mask >> (dates.date_number % 64)) & 1::ubigint = 1::ubigint
)

select
    as_of_date,
    staff_id,
    team,
    range,
    framework,
    role_code,
    history_status(in_post_mask, is_top_of_role, ready_mask, ready_or_waiting_mask, k) as status,
from expanded
