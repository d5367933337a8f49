-- grain: one row per month-end between start and stop
-- purpose: the dates a trend is drawn on (int_month_ends), as rows a page's question can join to
create or replace macro month_ends(start, stop) as table
select unnest(int_month_ends(start, stop)) as month_end
