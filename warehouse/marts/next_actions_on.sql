-- grain: one row per person in post on d and action: each unmet requirement of their target level, plus evidence and mandatory training to renew soon
-- purpose: the Person page's "What's left": what each gap needs next, who acts (person, assessor or manager) and by when, where a date can be worked out
create or replace macro next_actions_on(d) as table
with
gaps as (
    -- The rows of gaps_on(d) (a test holds them equal), read from the requirement checklist instead: a
    -- filter on one person reaches into it, so the Person page does not work out everyone's gaps.
    select staff_id, requirement_id, category, criterion, reason, due_date, oldest_submitted_date,
    from int_requirement_status_on([d::date])
    where not is_met
),

training as (
    select * from mandatory_training_on(d)
),

training_out as (
    -- Courses out of date on d, per person: what to renew, and since when (the earliest lapse).
    select
        staff_id,
        string_agg(course || case when lapsed_date is null then ' (never completed)'
                                  else ' (ran out ' || strftime(lapsed_date, '%-d %b %Y') || ')' end,
                   '; ' order by lapsed_date nulls first, course) as courses,
        min(lapsed_date) as lapsed_date,
    from training
    where not is_current
    group by staff_id
),

training_next as (
    -- The first current course to run out after d: a time-based requirement needs it renewed in time.
    -- Ties (two courses running out on one day) go to the first course by name, so the answer is stable.
    select staff_id, arg_min(course, (expires_date, course)) as course, min(expires_date) as expires_date,
    from training
    where is_current and expires_date is not null
    group by staff_id
),

unmet as (
    select
        gaps.staff_id,
        'unmet' as kind,
        gaps.requirement_id,
        gaps.category,
        gaps.criterion,
        gaps.reason,
        case gaps.reason
            when 'tenure' then 'manager'
            when 'awaiting_signoff' then 'assessor'
            else 'person'
        end as next_actor,
        case gaps.reason
            when 'tenure' then 'Minimum time at level: the line manager confirms satisfactory performance on the date it is reached'
                || case when training_next.expires_date <= gaps.due_date
                        then '; ' || training_next.course || ' must be renewed before it runs out on '
                             || strftime(training_next.expires_date, '%-d %b %Y')
                        else '' end
            when 'training' then 'Renew mandatory training: ' || coalesce(training_out.courses, 'see the training record')
            when 'awaiting_signoff' then 'Sign off the evidence submitted for it'
            when 'expired' then 'Submit new evidence: the latest approved evidence is too old to count'
            when 'rejected' then 'Submit new evidence: the last was rejected (see the assessor''s note below)'
            else 'Gather evidence and submit it for sign-off'
        end as next_step,
        case gaps.reason
            when 'tenure' then gaps.due_date
            when 'training' then training_out.lapsed_date
            when 'expired' then gaps.due_date
            when 'awaiting_signoff' then gaps.oldest_submitted_date
        end as due_date,
        case gaps.reason
            when 'tenure' then 'Minimum time reached on'
            when 'training' then 'Overdue: training ran out on'
            when 'expired' then 'Overdue: evidence stopped counting on'
            when 'awaiting_signoff' then 'Waiting since'
        end as due_label,
        gaps.reason in ('training', 'expired') as is_overdue,
    from gaps
    left join training_out using (staff_id)
    left join training_next using (staff_id)
),

renew_evidence as (
    -- Met today on evidence that stops counting within the horizon (keep_in_date_settings): renew it first.
    select
        staff_id,
        'renew' as kind,
        requirement_id,
        category,
        criterion,
        null as reason,
        'person' as next_actor,
        'Renew the evidence before it stops counting' as next_step,
        evidence_expires_date as due_date,
        'Stops counting on' as due_label,
        false as is_overdue,
    from evidence_expiring_on(d, (select evidence_expiring_days from keep_in_date_settings))
),

renew_training as (
    -- Mandatory courses current today that run out within the horizon (keep_in_date_settings).
    select
        staff_id,
        'renew' as kind,
        null as requirement_id,
        'Mandatory training' as category,
        course as criterion,
        null as reason,
        'person' as next_actor,
        'Renew ' || course || ' before it runs out' as next_step,
        expires_date as due_date,
        'Runs out on' as due_label,
        false as is_overdue,
    from training_expiring_on(d, (select training_expiring_days from keep_in_date_settings))
),

actions as (
    select * from unmet
    union all by name
    select * from renew_evidence
    union all by name
    select * from renew_training
)

select
    staff_id,
    kind,
    requirement_id,
    category,
    criterion,
    reason,
    next_actor,
    next_step,
    due_date,
    due_label,
    is_overdue,
from actions
