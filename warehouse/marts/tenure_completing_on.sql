-- grain: one row per person in post on d and unmet requirement of their target level held back by a minimum time that completes within `days_ahead`
-- purpose: whose time at level completes soon; the same rows as gaps_on with reason 'tenure' and due_date <= d + days, read from dates, not evidence
create or replace macro tenure_completing_on(d, days_ahead) as table
with
in_post as (
    select
        staff_id, name, team, range, framework, role_code, target_level,
        hash(role_code, target_level) as target_level_key,
    from int_staff_in_post_on([d::date])
    where target_level is not null
),

tenure as (
    select staff_id, effective_start_date from int_tenure_on([d::date])
),

training as (
    select staff_id, is_training_ok from int_training_on([d::date])
),

requirements as (
    select distinct requirement_id, requirement_category, requirement_text, has_evidence_member
    from int_requirement_members
),

time_members as (
    select
        in_post.staff_id,
        bits.requirement_id,
        (tenure.effective_start_date + to_months(bits.min_months))::date as tenure_date,
        training.is_training_ok,
    from in_post
    join int_requirement_bits as bits
        on bits.level_key = in_post.target_level_key
        and bits.is_time_based
    join tenure using (staff_id)
    join training using (staff_id)
),

waiting as (
    -- The rules of int_unmet_requirements_on: the reason is tenure when a time-based member has not
    -- reached its time, unless the requirement is met (a member reached with training up to date).
    select
        staff_id,
        requirement_id,
        min(tenure_date) filter (where tenure_date > d::date) as due_date,
    from time_members
    group by staff_id, requirement_id
    having not bool_or(tenure_date <= d::date and is_training_ok)
        and bool_or(tenure_date > d::date)
),

due_soon as (
    select waiting.*, requirements.requirement_category, requirements.requirement_text,
        requirements.has_evidence_member,
    from waiting
    join requirements using (requirement_id)
    where waiting.due_date <= (d::date + to_days(days_ahead))::date
),

met_on_evidence as (
    -- An any-of requirement with an evidenced member is met by current evidence (is_evidence_current)
    -- against that member; only the few requirements due soon are looked up.
    select distinct due_soon.staff_id, due_soon.requirement_id,
    from due_soon
    join int_requirement_bits as bits
        on bits.requirement_id = due_soon.requirement_id
        and not bits.is_time_based
    join stg_evidence as evidence
        on evidence.staff_id = due_soon.staff_id
        and evidence.criterion_id = bits.criterion_id
    where due_soon.has_evidence_member
        and is_evidence_current(evidence.status, evidence.evidence_date, d::date)
)

select
    due_soon.staff_id,
    in_post.name,
    in_post.team,
    in_post.range,
    in_post.framework,
    in_post.role_code,
    in_post.target_level,
    due_soon.requirement_id,
    due_soon.requirement_category as category,
    due_soon.requirement_text as criterion,
    due_soon.due_date,
from due_soon
join in_post using (staff_id)
anti join met_on_evidence using (staff_id, requirement_id)
