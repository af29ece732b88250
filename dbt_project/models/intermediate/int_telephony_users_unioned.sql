{{ config(materialized='view') }}
{# grain: one row per telephony user: the users list, plus users only calls still name #}
{#- Seam, one branch per telephony source. Each user carries its first team
    (the agent's team when the CRM owner has none) and `fallback_agent_id`,
    the agent of a user without e-mail (agent_id macro). -#}
with

stg_aircall__users as (
    select * from {{ ref('stg_aircall__users') }}
),

stg_aircall__calls as (
    select * from {{ ref('stg_aircall__calls') }}
),

stg_aircall__teams as (
    select * from {{ ref('stg_aircall__teams') }}
),

stg_aircall__team_members as (
    select * from {{ ref('stg_aircall__team_members') }}
),

aircall_listed_users as (
    select
        stg_aircall__users.user_id,
        stg_aircall__users.user_name,
        stg_aircall__users.email
    from stg_aircall__users
),

aircall_users_named_by_calls as (
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
        and stg_aircall__calls.user_id not in (select aircall_listed_users.user_id from aircall_listed_users)
    qualify row_number() over (
            partition by stg_aircall__calls.user_id
            order by stg_aircall__calls.started_at desc, stg_aircall__calls.call_id desc
        ) = 1
),

aircall_first_teams as (
    -- An Aircall user's first team is the one with the lowest numeric team id.
    select
        stg_aircall__team_members.user_id,
        first(
            stg_aircall__teams.team_name
            order by stg_aircall__teams.team_id_number nulls first, stg_aircall__teams.team_id
        ) as first_team_name
    from stg_aircall__team_members
    inner join stg_aircall__teams
        on stg_aircall__team_members.team_id = stg_aircall__teams.team_id
    group by stg_aircall__team_members.user_id
),

aircall_known_users as (
    select * from aircall_listed_users
    union all
    select * from aircall_users_named_by_calls
),

aircall_users as (
    select
        'aircall' as source_system,
        aircall_known_users.user_id,
        aircall_known_users.user_name,
        aircall_known_users.email,
        aircall_first_teams.first_team_name,
        'aircall_user_' || aircall_known_users.user_id as fallback_agent_id
    from aircall_known_users
    left join aircall_first_teams
        on aircall_known_users.user_id = aircall_first_teams.user_id
),

unioned as (
    select * from aircall_users
)

select * from unioned
