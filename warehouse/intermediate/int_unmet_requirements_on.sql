-- grain: one row per as-of date, person in post below the top of their role, and unmet requirement of their target level
-- purpose: the unmet rows of int_requirement_status_on (same columns and rules, and the person's name, team, range and
-- framework, so gaps_on need not look the people up again), found without building a row per
-- person and requirement: evidence is folded into one bitmask per person (bit n = the level's requirement n), and only
-- the requirements left unmet get a row and a second look for their dates
create or replace macro int_unmet_requirements_on(as_of_dates) as table
with
time_rows as (
    select * from int_time_requirements_on(as_of_dates)
    where target_level is not null
),

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
    from time_rows
    group by as_of_date, staff_key
),

bits as (
    select * from int_requirement_bits
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
        from bits
        join int_requirement_members as members using (criterion_id)
    )
),

target_evidence as not materialized (
    -- Read twice below: a scan of a stored fact costs less than keeping its rows for the second reader.
    select as_of_date, staff_key, requirement_bit, status, evidence_date, valid_until, is_current,
    from int_target_evidence_on(as_of_dates)
),

evidence_masks as (
    select
        as_of_date,
        staff_key,
        bit_or(case when is_current then requirement_bit else 0::ubigint end) as current_mask,
        bit_or(case when status = 'submitted' then requirement_bit else 0::ubigint end) as submitted_mask,
        bit_or(case when status = 'approved' then requirement_bit else 0::ubigint end) as approved_mask,
        bit_or(case when status = 'rejected' then requirement_bit else 0::ubigint end) as rejected_mask,
    from target_evidence
    group by as_of_date, staff_key
),

time_facts as (
    select
        as_of_date, staff_key, requirement_id, requirement_bit, is_all_time_based, is_met, has_tenure_reason,
        is_waiting_on_tenure, tenure_due_date, tenure_date,
    from time_rows
    where requirement_id is not null
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
),

unmet_evidence_dates as (
    -- The dates behind the reasons, per requirement (keyed by its bit: integer keys hash faster than its id,
    -- and a person has one target level). An unmet requirement has no current evidence, so only evidence
    -- that is submitted, or approved and not current, can give its dates: the rest is left out before the
    -- grouping rather than matched against the unmet rows.
    select
        as_of_date,
        staff_key,
        requirement_bit,
        max(valid_until) filter (where status = 'approved') as latest_approved_until,
        min(evidence_date) filter (where status = 'submitted') as oldest_submitted_date,
    from target_evidence
    where status = 'submitted' or (status = 'approved' and not is_current)
    group by as_of_date, staff_key, requirement_bit
),

assessed as (
    select
        unmet.*,
        unmet_reason(
            time_facts.requirement_id is not null, time_facts.has_tenure_reason, unmet.has_evidence_member,
            unmet.has_submitted, unmet.has_approved, unmet.has_rejected
        ) as reason,
        time_facts.tenure_due_date,
        unmet_evidence_dates.latest_approved_until as expired_due_date,
        unmet.is_all_time_based and coalesce(time_facts.is_waiting_on_tenure, false) as is_waiting_on_tenure_only,
        unmet_evidence_dates.oldest_submitted_date,
        time_facts.tenure_date,
    from unmet
    -- On the bit, not the id: integer keys hash faster, and a person has one target level.
    left join time_facts
        on time_facts.as_of_date = unmet.as_of_date
        and time_facts.staff_key = unmet.staff_key
        and time_facts.requirement_bit = unmet.requirement_bit
    left join unmet_evidence_dates
        on unmet_evidence_dates.as_of_date = unmet.as_of_date
        and unmet_evidence_dates.staff_key = unmet.staff_key
        and unmet_evidence_dates.requirement_bit = unmet.requirement_bit
)

select
    as_of_date,
    staff_id,
    role_code,
    target_level,
    requirement_id,
    requirement_category as category,
    requirement_text as criterion,
    false as is_met,
    reason,
    case reason
        when 'tenure' then tenure_due_date
        when 'expired' then expired_due_date
    end as due_date,
    is_waiting_on_tenure_only,
    case when is_waiting_on_tenure_only then tenure_due_date end as ready_on_date,
    has_submitted,
    null::date as current_evidence_date,
    null::date as evidence_expires_date,
    oldest_submitted_date,
    is_all_time_based as is_time_based,
    tenure_date,
    is_only_blocker,
    name,
    team,
    range,
    framework,
    staff_key,
from assessed
