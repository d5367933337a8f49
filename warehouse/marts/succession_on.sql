-- grain: one row per role and candidate for it on d
-- purpose: the succession bench: lower-range staff of the same framework (or roles named in fed_by), with their coverage of the role's entry requirements
create or replace macro succession_on(d) as table
with
readiness as (
    select * from readiness_on(d)
),

roles as (
    select * from stg_roles
),

levels as (
    select * from stg_levels
),

entry_requirements as (
    -- Entry requirements: the evidence-based criteria of the target role's first level.
    select
        bits.role_code as target_role_code,
        bits.requirement_id,
        bits.criterion_id,
        bits.requirement_bit,
    from int_requirement_bits as bits
    join levels
        on levels.role_code = bits.role_code
        and levels.level = bits.level
        and levels.is_first_level
    where not bits.is_time_based
),

entry_counts as (
    select target_role_code, count(distinct requirement_id) as entry_requirements_total
    from entry_requirements
    group by target_role_code
),

candidates as (
    select
        target.role_code as target_role_code,
        target.role_title as target_role_title,
        target.range as target_range,
        readiness.*,
        levels.is_top_level,
        coalesce(target_levels.is_top_level, false) as is_target_level_top,
    from roles as target
    join readiness
        on readiness.role_code <> target.role_code
        and (
            (readiness.framework = target.framework and readiness.range < target.range)
            or list_contains(target.fed_by_role_codes, readiness.role_code)
        )
    join levels
        on levels.role_code = readiness.role_code
        and levels.level = readiness.level
    left join levels as target_levels
        on target_levels.role_code = readiness.role_code
        and target_levels.level = readiness.target_level
),

entry_evidence as (
    -- Current evidence against each role's entry requirements, one bit per requirement and person,
    -- gathered before joining the candidates so the evidence is read once.
    select
        entry_requirements.target_role_code,
        evidence.staff_id,
        bit_count(bit_or(entry_requirements.requirement_bit)) as entry_requirements_met,
    from int_evidence_periods as evidence
    join entry_requirements using (criterion_id)
    where evidence.valid_from <= d::date and d::date < evidence.valid_until
    group by entry_requirements.target_role_code, evidence.staff_id
),

entry_met as (
    select candidates.target_role_code, candidates.staff_id, entry_evidence.entry_requirements_met,
    from candidates
    join entry_evidence using (target_role_code, staff_id)
),

scored as (
    select
        candidates.*,
        coalesce(entry_counts.entry_requirements_total, 0) as entry_requirements_total,
        coalesce(entry_met.entry_requirements_met, 0) as entry_requirements_met,
    from candidates
    left join entry_counts using (target_role_code)
    left join entry_met using (target_role_code, staff_id)
)

select
    target_role_code as role_code,
    target_role_title as role_title,
    target_range,
    staff_id,
    name,
    team,
    role_code as current_role_code,
    role_title as current_role_title,
    range as current_range,
    level as current_level,
    status as readiness_status,
    entry_requirements_total,
    entry_requirements_met,
    case
        when is_top_level and entry_requirements_met = entry_requirements_total then 'ready_now'
        when is_top_level then 'ready_1_2_years'
        when status in ('ready', 'ready_on') and is_target_level_top then 'ready_1_2_years'
        when entry_requirements_total > 0 and entry_requirements_met * 2 >= entry_requirements_total then 'ready_1_2_years'
        else 'longer_term'
    end as bench,
from scored
