-- grain: one row per role and criterion that is one of its entry requirements
-- purpose: a role's entry requirements: the evidence-based requirements of its first level (its time-based criteria cannot
-- apply to someone not yet in the role), with one bit per requirement so a candidate's coverage folds into one integer
create or replace view int_entry_requirements as
select
    bits.role_code,
    bits.requirement_id,
    bits.criterion_id,
    bits.requirement_bit,
from int_requirement_bits as bits
join stg_levels as levels
    on levels.role_code = bits.role_code
    and levels.level = bits.level
    and levels.is_first_level
where not bits.is_time_based
