-- grain: as gaps_on(d), on today's date
-- purpose: gaps_on(current_date), for analysts and BI tools that read views rather than call macros
create or replace view gaps as
select * from gaps_on(current_date)
