-- grain: one row per criterion, with its requirement's position within its role and level
-- purpose: numbers each level's requirements 0, 1, 2, ... so one integer per person can say which are met (a bitmask)
create or replace table int_requirement_bits as
with
members as (
    select * from int_requirement_members
),

numbered as (
    select
        *,
        dense_rank() over (partition by role_code, level order by requirement_id) - 1 as requirement_number,
    from members
)

select
    numbered.criterion_id,
    numbered.requirement_id,
    numbered.role_code,
    numbered.level,
    -- The level's integer key (stg_levels): joins on it are cheaper than on the two strings.
    levels.level_id,
    numbered.min_months,
    numbered.is_time_based,
    numbered.is_all_time_based,
    -- A 64-bit mask holds 64 requirements per level; the shipped frameworks have at most 32. Say so rather than miscount.
    case
        when numbered.requirement_number < 64 then (1::ubigint << numbered.requirement_number::integer)
        else error('a level has more than 64 requirements: ' || numbered.role_code || ' ' || numbered.level)
    end as requirement_bit,
from numbered
join stg_levels as levels using (role_code, level)
