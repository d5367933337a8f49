-- grain: scalar macro, one 64-bit mask per call
-- purpose: the bits first_bit .. stop_bit - 1 set (clipped to 0 .. 63): "on which of 64 consecutive as-of dates" as one integer
create or replace macro int_bit_range(first_bit, stop_bit) as
    case
        when least(stop_bit, 64) <= greatest(first_bit, 0) then 0::ubigint
        when least(stop_bit, 64) - greatest(first_bit, 0) >= 64 then ~(0::ubigint)
        else ((1::ubigint << (least(stop_bit, 64) - greatest(first_bit, 0))::integer) - 1::ubigint)
            << greatest(first_bit, 0)::integer
    end
