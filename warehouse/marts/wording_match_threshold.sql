-- grain: scalar macro, one number
-- purpose: the one threshold at or above which two wordings are offered as a match (career_gap_on and level_comparison read it; nothing else repeats it)
create or replace macro wording_match_threshold() as 0.35
