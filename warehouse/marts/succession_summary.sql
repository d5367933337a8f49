-- grain: as succession_summary_on(d), on today's date
-- purpose: succession_summary_on(current_date), for analysts and BI tools that read views rather than call macros
create or replace view succession_summary as
select * from succession_summary_on(current_date)
