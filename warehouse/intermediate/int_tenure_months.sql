-- grain: scalar macro, one number per call
-- purpose: whole months of tenure on d from the effective start (int_tenure_start): the largest m with effective start plus m calendar months on or before d
create or replace macro int_tenure_months(effective_start_date, as_of_date) as
    case
        when (effective_start_date + to_months(datediff('month', effective_start_date, as_of_date)))::date <= as_of_date
            then datediff('month', effective_start_date, as_of_date)
        else datediff('month', effective_start_date, as_of_date) - 1
    end
