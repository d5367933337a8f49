-- grain: as succession_on(d), on today's date
-- purpose: succession_on(current_date), for analysts and BI tools that read views rather than call macros
create or replace view succession as
select * from succession_on(current_date)
