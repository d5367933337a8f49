-- grain: one row per criterion of either of two role levels (side 'left' or 'right'), optionally with the levels below each
-- purpose: two frameworks' levels side by side: each criterion with the closest wording on the other side (wording_similarity at or above wording_match_threshold); rows without one are what that side asks and the other does not
create or replace macro level_comparison(left_role_code, left_level, right_role_code, right_level, with_levels_below) as table
with
chosen as (
    -- Each side's level, and with with_levels_below the levels under it too (what holding that level takes).
    select 'left' as side, levels.role_code, levels.level,
    from stg_levels as levels
    join stg_levels as picked on picked.role_code = levels.role_code and picked.level = left_level
    where levels.role_code = left_role_code
      and (levels.level = left_level or (with_levels_below and levels.level_order < picked.level_order))
    union all
    select 'right', levels.role_code, levels.level,
    from stg_levels as levels
    join stg_levels as picked on picked.role_code = levels.role_code and picked.level = right_level
    where levels.role_code = right_role_code
      and (levels.level = right_level or (with_levels_below and levels.level_order < picked.level_order))
),

sides as (
    select chosen.side, criteria.*, levels.level_order, wording_tokens(criteria.criterion) as tokens,
    from chosen
    join stg_criteria as criteria using (role_code, level)
    join stg_levels as levels using (role_code, level)
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
        arg_max(other_criterion_id, (similarity, other_criterion_id)) as matched_criterion_id,
        arg_max(other_criterion, (similarity, other_criterion_id)) as matched_criterion,
        max(similarity) as match_similarity,
    from pairs
    where similarity >= wording_match_threshold()
    group by side, criterion_id
)

select
    sides.side,
    sides.role_code,
    sides.level,
    sides.level_order,
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
