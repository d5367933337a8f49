-- grain: one row per person in post on d whom the viewer may see and the filters keep
-- purpose: the scope every page question starts from: visible_staff (the viewer's tree) and the sidebar's framework, teams and ranges (empty lists: all), over staff_in_post_on
create or replace macro scope_on(d, viewer_role, viewer_staff_id, chosen_framework, chosen_teams, chosen_ranges) as table
select in_post.staff_id,
from staff_in_post_on(d) as in_post
semi join visible_staff(viewer_role, viewer_staff_id) as visible using (staff_id)
where matches_filters(in_post.framework, in_post.team, in_post.range, chosen_framework, chosen_teams, chosen_ranges)
