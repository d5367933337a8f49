-- grain: scalar macro, one reason per call
-- purpose: why a requirement is not met: the first reason in the list (docs/rules.md) that applies to any of its members;
-- time-based members give tenure (time not reached) or training, evidenced members awaiting_signoff, expired, rejected or
-- no_evidence; null when it has neither kind of member
create or replace macro unmet_reason(
    has_time_member, has_tenure_reason, has_evidence_member, has_submitted, has_approved, has_rejected
) as
    ['tenure', 'training', 'awaiting_signoff', 'expired', 'rejected', 'no_evidence'][least(
        case when has_time_member then case when has_tenure_reason then 1 else 2 end end,
        case when has_evidence_member then
            case when has_submitted then 3 when has_approved then 4 when has_rejected then 5 else 6 end
        end
    )]
