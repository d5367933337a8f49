-- grain: one row per as-of date, person in post below the top of their role, and unmet requirement of their target level
-- purpose: which requirements are unmet and why (unmet_reason, from the person's masks), and whether each is the
-- person's only one, with the person's name, team, range and framework: everything but the dates behind the reasons,
-- so a count of the gaps (blockers_on) does not work the dates out. Evidence is folded into one bitmask per person
-- (bit n = the level's requirement n), and only the requirements left unmet get a row
create or replace macro int_unmet_reasons_on(as_of_dates) as table
with
in_post as (
    -- One row per person, folded from their rows of int_time_requirements_on (which carry the person): the
    -- rows of an aggregate feed the joins below on every thread, where a scan of the people in post (one
    -- row group at 100,000 people) may feed them on one, as the planner chooses.
    select
        as_of_date,
        staff_key,
        any_value(staff_id) as staff_id,
        any_value(name) as name,
        any_value(team) as team,
        any_value(range) as range,
        any_value(framework) as framework,
        any_value(role_code) as role_code,
        any_value(target_level) as target_level,
        any_value(target_level_id) as target_level_id,
        bit_or(case when is_met then requirement_bit else 0::ubigint end) as time_met_mask,
        -- The requirements with a time-based member, and those of them still short of their time.
        bit_or(case when requirement_id is not null then requirement_bit else 0::ubigint end) as time_mask,
        bit_or(case when has_tenure_reason then requirement_bit else 0::ubigint end) as tenure_reason_mask,
    from int_time_requirements_on(as_of_dates)
    where target_level is not null
    group by as_of_date, staff_key
),

requirements as (
    select
        *,
        -- Every requirement of the level, so a person's count of unmet ones is one bit_count away.
        bit_or(requirement_bit) over (partition by level_id) as level_mask,
    from (
        select distinct
            bits.level_id,
            bits.requirement_id,
            bits.requirement_bit,
            members.requirement_category,
            members.requirement_text,
            members.is_all_time_based,
            members.has_evidence_member,
        from int_requirement_bits as bits
        join int_requirement_members as members using (criterion_id)
    )
),

evidence_masks as (
    select * from int_evidence_masks_on(as_of_dates)
),

unmet as (
    select
        in_post.as_of_date,
        in_post.staff_id,
        in_post.staff_key,
        in_post.name,
        in_post.team,
        in_post.range,
        in_post.framework,
        in_post.role_code,
        in_post.target_level,
        requirements.requirement_id,
        requirements.requirement_bit,
        requirements.requirement_category,
        requirements.requirement_text,
        requirements.is_all_time_based,
        requirements.has_evidence_member,
        (in_post.time_mask & requirements.requirement_bit) <> 0 as has_time_member,
        (in_post.tenure_reason_mask & requirements.requirement_bit) <> 0 as has_tenure_reason,
        (coalesce(evidence_masks.submitted_mask, 0::ubigint) & requirements.requirement_bit) <> 0 as has_submitted,
        (coalesce(evidence_masks.approved_mask, 0::ubigint) & requirements.requirement_bit) <> 0 as has_approved,
        (coalesce(evidence_masks.rejected_mask, 0::ubigint) & requirements.requirement_bit) <> 0 as has_rejected,
        -- The last thing the person needs: their only unmet requirement.
        bit_count(
            requirements.level_mask & ~(coalesce(evidence_masks.current_mask, 0::ubigint) | in_post.time_met_mask)
        ) = 1 as is_only_blocker,
    from in_post
    join requirements on requirements.level_id = in_post.target_level_id
    left join evidence_masks using (as_of_date, staff_key)
    where (
        (coalesce(evidence_masks.current_mask, 0::ubigint) | in_post.time_met_mask)
        & requirements.requirement_bit
    ) = 0
)

select
    *,
    unmet_reason(
        has_time_member, has_tenure_reason, has_evidence_member, has_submitted, has_approved, has_rejected
    ) as reason,
from unmet
