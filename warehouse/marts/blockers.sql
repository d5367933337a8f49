-- grain: as blockers_on(d), on today's date
-- purpose: blockers_on(current_date), for analysts and BI tools that read views rather than call macros
create or replace view blockers as
select * from blockers_on(current_date)
