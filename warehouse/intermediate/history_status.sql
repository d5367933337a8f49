-- grain: scalar macro, one readiness status per call
-- purpose: the status on date k (from 0) of a block of int_readiness_history_blocks, from its masks; null when the
-- person was not in post on that date
create or replace macro history_status(in_post_mask, is_top_of_role, ready_mask, ready_or_waiting_mask, k) as
    case
        when (in_post_mask >> k::integer) & 1::ubigint = 0::ubigint then null
        when is_top_of_role then 'top_of_role'
        when (ready_mask >> k::integer) & 1::ubigint = 1::ubigint then 'ready'
        when (ready_or_waiting_mask >> k::integer) & 1::ubigint = 1::ubigint then 'ready_on'
        else 'not_ready'
    end
