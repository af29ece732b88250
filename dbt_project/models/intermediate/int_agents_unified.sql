{# grain: one row per agent (CRM owners and telephony users merged by e-mail), plus unassigned #}
with

int_agent_identities_mapped as (
    select * from {{ ref('int_agent_identities_mapped') }}
),

stg_hubspot__owners as (
    select * from {{ ref('stg_hubspot__owners') }}
),

int_telephony_users_unioned as (
    select * from {{ ref('int_telephony_users_unioned') }}
),

stg_aircall__teams as (
    select * from {{ ref('stg_aircall__teams') }}
),

stg_aircall__team_members as (
    select * from {{ ref('stg_aircall__team_members') }}
),

owners_with_agent as (
    select
        int_agent_identities_mapped.agent_id,
        stg_hubspot__owners.owner_id,
        stg_hubspot__owners.is_archived,
        nullif(concat_ws(' ', stg_hubspot__owners.first_name, stg_hubspot__owners.last_name), '')
            as full_name,
        stg_hubspot__owners.primary_team_name
    from stg_hubspot__owners
    inner join int_agent_identities_mapped
        on int_agent_identities_mapped.source_system = 'hubspot_owner'
            and stg_hubspot__owners.owner_id = int_agent_identities_mapped.source_id
),

user_first_teams as (
    -- A telephony user's first team is the one with the lowest numeric team id.
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

users_with_agent as (
    select
        int_agent_identities_mapped.agent_id,
        int_telephony_users_unioned.user_id,
        int_telephony_users_unioned.user_name,
        user_first_teams.first_team_name
    from int_telephony_users_unioned
    inner join int_agent_identities_mapped
        on int_agent_identities_mapped.source_system = 'aircall_user'
            and int_telephony_users_unioned.user_id = int_agent_identities_mapped.source_id
    left join user_first_teams
        on int_telephony_users_unioned.user_id = user_first_teams.user_id
),

owner_attributes as (
    -- Active owners first, so an archived duplicate never shadows the live record.
    select
        owners_with_agent.agent_id,
        first(owners_with_agent.full_name order by owners_with_agent.is_archived, owners_with_agent.owner_id)
        filter (where owners_with_agent.full_name is not null) as owner_name,
        first(
            owners_with_agent.primary_team_name
            order by owners_with_agent.is_archived, owners_with_agent.owner_id
        ) filter (where owners_with_agent.primary_team_name is not null) as owner_team,
        bool_or(not owners_with_agent.is_archived) as has_active_owner,
        list(distinct owners_with_agent.owner_id order by owners_with_agent.owner_id) as hubspot_owner_ids
    from owners_with_agent
    group by owners_with_agent.agent_id
),

user_attributes as (
    select
        users_with_agent.agent_id,
        first(users_with_agent.user_name order by users_with_agent.user_id)
        filter (where users_with_agent.user_name is not null) as user_name,
        first(users_with_agent.first_team_name order by users_with_agent.user_id)
        filter (where users_with_agent.first_team_name is not null) as user_team,
        list(distinct users_with_agent.user_id order by users_with_agent.user_id) as aircall_user_ids
    from users_with_agent
    group by users_with_agent.agent_id
),

identity_attributes as (
    select
        int_agent_identities_mapped.agent_id,
        list(
            distinct int_agent_identities_mapped.email_normalised order by int_agent_identities_mapped.email_normalised
        )
        filter (where nullif(int_agent_identities_mapped.email_normalised, '') is not null) as emails,
        list(distinct int_agent_identities_mapped.source_id order by int_agent_identities_mapped.source_id)
        filter (where int_agent_identities_mapped.source_system = 'hubspot_user') as hubspot_user_ids
    from int_agent_identities_mapped
    group by int_agent_identities_mapped.agent_id
),

agents as (
    -- CRM owner data wins for name and team; the telephony user fills the gaps.
    select
        identity_attributes.agent_id,
        coalesce(owner_attributes.owner_name, user_attributes.user_name, '') as agent_name,
        coalesce(owner_attributes.owner_team, user_attributes.user_team) as team,
        identity_attributes.emails,
        coalesce(owner_attributes.hubspot_owner_ids, []) as hubspot_owner_ids,
        coalesce(identity_attributes.hubspot_user_ids, []) as hubspot_user_ids,
        coalesce(user_attributes.aircall_user_ids, []) as aircall_user_ids,
        coalesce(owner_attributes.has_active_owner, false) or user_attributes.agent_id is not null
            as is_active
    from identity_attributes
    left join owner_attributes
        on identity_attributes.agent_id = owner_attributes.agent_id
    left join user_attributes
        on identity_attributes.agent_id = user_attributes.agent_id
),

unassigned as (
    -- Interactions and deals with no agent point here (kpis.md "agent").
    select
        'unassigned' as agent_id,
        'Unassigned' as agent_name,
        cast(null as varchar) as team,
        cast([] as varchar[]) as emails,
        cast([] as varchar[]) as hubspot_owner_ids,
        cast([] as varchar[]) as hubspot_user_ids,
        cast([] as varchar[]) as aircall_user_ids,
        true as is_active
),

unioned as (
    select * from agents
    union all
    select * from unassigned
)

select * from unioned
