-- grain: one row per criterion of either of two role levels (side 'left' or 'right')
-- purpose: two frameworks' levels side by side: each criterion with the closest wording on the other side (wording_similarity at or above wording_match_threshold); rows without one are what that side asks and the other does not
create or replace macro level_comparison(left_role_code, left_level, right_role_code, right_level) as table
with
sides as (
    select 'left' as side, criteria.*, wording_tokens(criteria.criterion) as tokens,
    from stg_criteria as criteria
    where criteria.role_code = left_role_code and criteria.level = left_level
    union all
    select 'right', criteria.*, wording_tokens(criteria.criterion),
    from stg_criteria as criteria
    where criteria.role_code = right_role_code and criteria.level = right_level
),

pairs as (
    select
        this.side,
        this.criterion_id,
        other.criterion_id as other_criterion_id,
        other.criterion as other_criterion,
        wording_similarity(this.tokens, other.tokens) as similarity,
    from sides as this
    join sides as other on other.side <> this.side
),

closest as (
    select
        side,
        criterion_id,
        arg_max(other_criterion_id, similarity) as matched_criterion_id,
        arg_max(other_criterion, similarity) as matched_criterion,
        max(similarity) as match_similarity,
    from pairs
    where similarity >= wording_match_threshold()
    group by side, criterion_id
)

select
    sides.side,
    sides.role_code,
    sides.level,
    sides.category,
    sides.category_order,
    sides.number,
    sides.criterion_id,
    sides.criterion,
    sides.min_months,
    closest.matched_criterion_id,
    closest.matched_criterion,
    closest.match_similarity,
    closest.matched_criterion_id is not null as has_match,
from sides
left join closest using (side, criterion_id)
