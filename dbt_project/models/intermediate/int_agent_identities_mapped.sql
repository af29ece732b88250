{# grain: one row per source identity (identity_kind crm_owner, crm_user or telephony_user x source_id) #}
{#- Ids are unique across sources within a kind (the seams prefix every
    non-primary source's ids), so (identity_kind, source_id) is the key. -#}
with

int_crm_owners_unioned as (
    select * from {{ ref('int_crm_owners_unioned') }}
),

int_telephony_users_unioned as (
    select * from {{ ref('int_telephony_users_unioned') }}
),

owner_identities as (
    select
        'crm_owner' as identity_kind,
        int_crm_owners_unioned.source_system,
        int_crm_owners_unioned.owner_id as source_id,
        {{ agent_id('int_crm_owners_unioned.email', 'int_crm_owners_unioned.fallback_agent_id') }}
            as agent_id,
        lower(trim(int_crm_owners_unioned.email)) as email_normalised,
        int_crm_owners_unioned.is_archived
    from int_crm_owners_unioned
),

crm_user_identities as (
    -- Goals may name their assignee by the CRM user id of an owner, not by the owner id.
    select
        'crm_user' as identity_kind,
        int_crm_owners_unioned.source_system,
        int_crm_owners_unioned.crm_user_id as source_id,
        {{ agent_id('int_crm_owners_unioned.email', 'int_crm_owners_unioned.fallback_agent_id') }}
            as agent_id,
        lower(trim(int_crm_owners_unioned.email)) as email_normalised,
        int_crm_owners_unioned.is_archived
    from int_crm_owners_unioned
    where int_crm_owners_unioned.crm_user_id is not null
    -- One user id could appear on an archived and an active owner: the active one wins.
    qualify row_number() over (
            partition by int_crm_owners_unioned.crm_user_id
            order by int_crm_owners_unioned.is_archived, int_crm_owners_unioned.owner_id
        ) = 1
),

user_identities as (
    select
        'telephony_user' as identity_kind,
        int_telephony_users_unioned.source_system,
        int_telephony_users_unioned.user_id as source_id,
        {{ agent_id('int_telephony_users_unioned.email', 'int_telephony_users_unioned.fallback_agent_id') }}
            as agent_id,
        lower(trim(int_telephony_users_unioned.email)) as email_normalised,
        false as is_archived
    from int_telephony_users_unioned
),

unioned as (
    select * from owner_identities
    union all
    select * from crm_user_identities
    union all
    select * from user_identities
)

select * from unioned
