-- grain: one row per access list entry (access.email)
-- purpose: whether each access row grants its role today: never for a leaver, someone not yet in post or an email the matching rule refuses; an email the staff list has never held (an outside HR or data owner) still grants
create or replace view access_status as
with
listed as (
    select email as listed_email, email_key(email) as email, access_role from access
),

people as (
    select
        email_key(email) as email,
        bool_or(level_start_date <= current_date and (left_on is null or left_on > current_date)) as is_in_post,
        max(left_on) as left_on,
        min(level_start_date) filter (where level_start_date > current_date) as starts_on,
    from stg_staff
    -- Only the staff an access row can name, found by a cheap condition every match meets (a key is the trimmed,
    -- lower-cased address), so email_key runs on a handful of rows, not the whole establishment.
    where lower(trim(email)) in (select email from listed)
      and email_key(email) is not null
    group by all
)

select
    listed.listed_email as email,
    listed.access_role,
    case
        when listed.email is null then false
        when people.email is null then true
        else people.is_in_post
    end as is_granted,
    case
        when listed.email is null then 'the email is not plain ASCII (look-alike letters are refused)'
        when people.email is null then 'not in the staff list: check they still need it'
        when people.is_in_post then 'in post'
        when people.left_on <= current_date then 'left on ' || strftime(people.left_on, '%d %b %Y')
        when people.starts_on is not null then 'not in post until ' || strftime(people.starts_on, '%d %b %Y')
        else 'not in post today'
    end as reason,
from listed
left join people on people.email = listed.email
