-- grain: scalar macro, one answer per email address given
-- purpose: THE email matching rule (loaders, sign-in and access all use it): trimmed, printable ASCII only, lower-cased; null (matches nothing) for anything else, so look-alikes such as the Kelvin sign or a dotted capital I never match
create or replace macro email_key(email) as
    -- For printable ASCII, Unicode NFKC changes nothing and casefold is lower(): this IS NFKC + casefold + strip,
    -- with every address that would change under NFKC or casefold beyond ASCII refused outright.
    case when regexp_full_match(trim(email), '[!-~]+') then lower(trim(email)) end
