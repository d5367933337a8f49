-- grain: as readiness_on(d), on today's date
-- purpose: readiness_on(current_date), for analysts and BI tools that read views rather than call macros
create or replace view readiness as
select * from readiness_on(current_date)
