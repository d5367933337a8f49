-- grain: one row per criterion, with the requirement it belongs to
-- purpose: criteria sharing an any_of label form one requirement, named after its first member in document order
create or replace table int_requirement_members as
with
criteria as (
    select * from stg_criteria
),

grouped as (
    select
        *,
        first_value(criterion_id) over requirement_window as requirement_id,
        first_value(category) over requirement_window as requirement_category,
        count(*) over (partition by role_code, level, coalesce(any_of, criterion_id)) as member_count,
    from criteria
    window requirement_window as (
        partition by role_code, level, coalesce(any_of, criterion_id)
        order by category_order, number
    )
),

texts as (
    select
        requirement_id,
        string_agg(criterion, ' OR ' order by category_order, number) as requirement_text,
        bool_and(is_time_based) as is_all_time_based,
        bool_or(not is_time_based) as has_evidence_member,
    from grouped
    group by requirement_id
)

select
    grouped.criterion_id,
    grouped.requirement_id,
    grouped.role_code,
    grouped.level,
    grouped.category,
    grouped.category_order,
    grouped.number,
    grouped.criterion,
    grouped.min_months,
    grouped.is_time_based,
    grouped.requirement_category,
    grouped.member_count,
    texts.requirement_text,
    texts.is_all_time_based,
    texts.has_evidence_member,
from grouped
join texts using (requirement_id)
