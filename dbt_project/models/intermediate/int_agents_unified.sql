{# grain: one row per agent (CRM owners and telephony users merged by e-mail), plus unassigned #}
with

int_agent_identities_mapped as (
    select * from {{ ref('int_agent_identities_mapped') }}
),

int_crm_owners_unioned as (
    select * from {{ ref('int_crm_owners_unioned') }}
),

int_telephony_users_unioned as (
    select * from {{ ref('int_telephony_users_unioned') }}
),

owners_with_agent as (
    select
        int_agent_identities_mapped.agent_id,
        int_crm_owners_unioned.owner_id,
        int_crm_owners_unioned.is_archived,
        int_crm_owners_unioned.owner_name as full_name,
        int_crm_owners_unioned.primary_team_name
    from int_crm_owners_unioned
    inner join int_agent_identities_mapped
        on int_agent_identities_mapped.identity_kind = 'crm_owner'
            and int_crm_owners_unioned.owner_id = int_agent_identities_mapped.source_id
),

users_with_agent as (
    select
        int_agent_identities_mapped.agent_id,
        int_telephony_users_unioned.user_id,
        int_telephony_users_unioned.user_name,
        int_telephony_users_unioned.first_team_name
    from int_telephony_users_unioned
    inner join int_agent_identities_mapped
        on int_agent_identities_mapped.identity_kind = 'telephony_user'
            and int_telephony_users_unioned.user_id = int_agent_identities_mapped.source_id
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
        list(distinct owners_with_agent.owner_id order by owners_with_agent.owner_id) as crm_owner_ids
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
        list(distinct users_with_agent.user_id order by users_with_agent.user_id) as telephony_user_ids
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
        filter (where int_agent_identities_mapped.identity_kind = 'crm_user') as crm_user_ids
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
        coalesce(owner_attributes.crm_owner_ids, []) as crm_owner_ids,
        coalesce(identity_attributes.crm_user_ids, []) as crm_user_ids,
        coalesce(user_attributes.telephony_user_ids, []) as telephony_user_ids,
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
        cast([] as varchar[]) as crm_owner_ids,
        cast([] as varchar[]) as crm_user_ids,
        cast([] as varchar[]) as telephony_user_ids,
        true as is_active
),

unioned as (
    select * from agents
    union all
    select * from unassigned
)

select * from unioned
