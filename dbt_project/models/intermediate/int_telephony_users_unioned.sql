{# grain: one row per telephony user: the users list, plus users only calls still name #}
with

stg_aircall__users as (
    select * from {{ ref('stg_aircall__users') }}
),

stg_aircall__calls as (
    select * from {{ ref('stg_aircall__calls') }}
),

listed_users as (
    select
        stg_aircall__users.user_id,
        stg_aircall__users.user_name,
        stg_aircall__users.email
    from stg_aircall__users
),

users_named_by_calls as (
    -- A user removed from the telephony account leaves the users list but not its calls:
    -- the calls still name the agent, so a fresh load credits the same agent as a warehouse
    -- that loaded the user before the removal. The latest call's name and e-mail win.
    select
        stg_aircall__calls.user_id,
        stg_aircall__calls.user_name,
        stg_aircall__calls.user_email as email
    from stg_aircall__calls
    where
        stg_aircall__calls.user_id is not null
        and stg_aircall__calls.user_id not in (select listed_users.user_id from listed_users)
    qualify row_number() over (
            partition by stg_aircall__calls.user_id
            order by stg_aircall__calls.started_at desc, stg_aircall__calls.call_id desc
        ) = 1
),

unioned as (
    select * from listed_users
    union all
    select * from users_named_by_calls
)

select * from unioned
