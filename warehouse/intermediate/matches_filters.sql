-- grain: scalar macro, one answer per call
-- purpose: the sidebar's filters, held once: a person with this framework, team and range is kept when each choice is empty (all) or holds theirs
create or replace macro matches_filters(person_framework, person_team, person_range,
                                        chosen_framework, chosen_teams, chosen_ranges) as
    (chosen_framework is null or person_framework = chosen_framework)
    and (len(chosen_teams) = 0 or list_contains(chosen_teams, person_team))
    and (len(chosen_ranges) = 0 or list_contains(chosen_ranges, person_range))
