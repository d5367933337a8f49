-- grain: one row per criterion a person may submit evidence against (staff_id, criterion_id)
-- purpose: the evidence-based criteria of a person's own target level, and of every level of the roles their role feeds (the roles they can aim for); anything else is another role's criterion and is refused
create or replace macro submittable_criteria(d) as table
with
people as (
    select staff_id, role_code, level, target_level from staff_in_post_on(d)
),

own_target as (
    select people.staff_id, criteria.criterion_id, 'target level' as why,
    from people
    join stg_criteria as criteria on criteria.role_code = people.role_code and criteria.level = people.target_level
),

aimed_for as (
    select people.staff_id, criteria.criterion_id, 'a role they can aim for' as why,
    from people
    join int_succession_feeders as feeders on feeders.feeder_role_code = people.role_code
    join stg_criteria as criteria on criteria.role_code = feeders.role_code
)

select allowed.staff_id, allowed.criterion_id, criteria.role_code, criteria.level, criteria.category,
       criteria.number, criteria.criterion, min(allowed.why) as why,
from (select * from own_target union all select * from aimed_for) as allowed
join stg_criteria as criteria using (criterion_id)
where not criteria.is_time_based
group by all
