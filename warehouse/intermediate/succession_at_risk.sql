-- grain: scalar macro, one answer per role
-- purpose: the risk rule, once: a role with feeders and people in post who could leave is at risk with fewer ready now, or
-- ready within 12 months, than succession_settings says is safe; an entry role (no feeders) is never at risk
create or replace macro succession_at_risk(has_feeders, in_post, ready_now, ready_within_12_months) as (
    select
        has_feeders
        and in_post > 0
        and (ready_now < settings.safe_ready_now or ready_within_12_months < settings.safe_ready_within_12_months)
    from succession_settings as settings
)
