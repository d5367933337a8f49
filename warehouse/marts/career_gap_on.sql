-- grain: one row per requirement of one role's level (goal_role_code, goal_level), for one person in post on d
-- purpose: "what would it take?": the requirements of any role's level that a person meets (evidence matched by criterion), wording matches for review, what is left, and the earliest date a minimum time allows
create or replace macro career_gap_on(d, person_id, goal_role_code, goal_level) as table
with
person as (
    select readiness.staff_id, readiness.role_code, readiness.level, readiness.effective_start_date,
           readiness.training_ok, levels.level_order,
    from readiness_on(d) as readiness
    join stg_levels as levels using (role_code, level)
    where readiness.staff_id = person_id
),

goal_level_row as (
    select * from stg_levels where role_code = goal_role_code and level = goal_level
),

previous_level as (
    -- The level a minimum time is served at: the one below the target in the target's role.
    select level from stg_levels where role_code = goal_role_code and next_level = goal_level
),

members as (
    select * from int_requirement_members
    where role_code = goal_role_code and level = goal_level
),

evidence as (
    -- The evidence window is each framework's own (int_evidence_periods): current on d inside its period.
    select
        criterion_id,
        max(evidence_date) filter (where valid_from <= d::date and d::date < valid_until) as current_evidence_date,
        max(evidence_date) filter (where status = 'submitted' and evidence_date <= d::date) as submitted_date,
    from int_evidence_periods
    where staff_id = person_id
    group by criterion_id
),

member_status as (
    select
        members.*,
        evidence.current_evidence_date,
        evidence.submitted_date,
        -- A minimum time runs from the person's (acting-credited) start at the level below the target,
        -- so it has a date only for someone at that level of that role today.
        case when members.is_time_based and person.role_code = goal_role_code
                  and person.level = (select level from previous_level)
             then (person.effective_start_date + to_months(members.min_months))::date
        end as time_served_date,
    from members
    cross join person
    left join evidence using (criterion_id)
),

evidenced as (
    -- Criteria of any role the person has current approved evidence for, with their wording's words.
    select criteria.criterion_id, criteria.criterion, wording_tokens(criteria.criterion) as tokens,
    from evidence
    join stg_criteria as criteria using (criterion_id)
    where evidence.current_evidence_date is not null
),

candidates as (
    select
        members.requirement_id,
        evidenced.criterion_id as matched_criterion_id,
        evidenced.criterion as matched_criterion,
        wording_similarity(wording_tokens(members.criterion), evidenced.tokens) as similarity,
    from members
    join evidenced on evidenced.criterion_id <> members.criterion_id
    where not members.is_time_based
),

wording as (
    -- The closest wording among criteria the person has current approved evidence for, offered for review.
    select
        requirement_id,
        arg_max(matched_criterion_id, (similarity, matched_criterion_id)) as matched_criterion_id,
        arg_max(matched_criterion, (similarity, matched_criterion_id)) as matched_criterion,
        max(similarity) as match_similarity,
    from candidates
    where similarity >= wording_match_threshold()
    group by requirement_id
),

requirements as (
    select
        requirement_id,
        any_value(requirement_category) as category,
        min(category_order) as category_order,
        min(number) filter (where criterion_id = requirement_id) as number,
        any_value(requirement_text) as requirement,
        bool_and(is_time_based) as is_time_based,
        max(min_months) as min_months,
        max(current_evidence_date) as evidence_date,
        max(submitted_date) as submitted_date,
        min(time_served_date) as earliest_date,
        coalesce(bool_or(current_evidence_date is not null or time_served_date <= d::date), false) as is_met,
    from member_status
    group by requirement_id
)

select
    person.staff_id,
    goal_role_code as role_code,
    goal_level as level,
    (select level from previous_level) as previous_level,
    person.role_code = goal_role_code and person.level_order >= (select level_order from goal_level_row)
        as holds_level_already,
    person.training_ok,
    requirements.requirement_id,
    requirements.category,
    requirements.category_order,
    requirements.number,
    requirements.requirement,
    requirements.is_time_based,
    requirements.min_months,
    requirements.is_met,
    case
        when requirements.is_met then 'met'
        when requirements.is_time_based then 'time'
        when requirements.submitted_date is not null then 'awaiting_signoff'
        when wording.matched_criterion_id is not null then 'wording_match'
        else 'left'
    end as status,
    requirements.evidence_date,
    requirements.earliest_date,
    wording.matched_criterion_id,
    wording.matched_criterion,
    wording.match_similarity,
from requirements
cross join person
left join wording using (requirement_id)
