{# grain: one row per source identity (hubspot_owner, hubspot_user or aircall_user id) #}
with

stg_hubspot__owners as (
    select * from {{ ref('stg_hubspot__owners') }}
),

int_telephony_users_unioned as (
    select * from {{ ref('int_telephony_users_unioned') }}
),

owner_identities as (
    select
        'hubspot_owner' as source_system,
        stg_hubspot__owners.owner_id as source_id,
        {{ agent_id('stg_hubspot__owners.email', "'hubspot_owner_' || stg_hubspot__owners.owner_id") }}
            as agent_id,
        lower(trim(stg_hubspot__owners.email)) as email_normalised,
        stg_hubspot__owners.is_archived
    from stg_hubspot__owners
),

hubspot_user_identities as (
    -- Goals name their assignee by HubSpot user id (owner.userId), not owner id.
    select
        'hubspot_user' as source_system,
        stg_hubspot__owners.hubspot_user_id as source_id,
        {{ agent_id('stg_hubspot__owners.email', "'hubspot_owner_' || stg_hubspot__owners.owner_id") }}
            as agent_id,
        lower(trim(stg_hubspot__owners.email)) as email_normalised,
        stg_hubspot__owners.is_archived
    from stg_hubspot__owners
    where stg_hubspot__owners.hubspot_user_id is not null
    -- One user id could appear on an archived and an active owner: the active one wins.
    qualify row_number() over (
            partition by stg_hubspot__owners.hubspot_user_id
            order by stg_hubspot__owners.is_archived, stg_hubspot__owners.owner_id
        ) = 1
),

user_identities as (
    select
        'aircall_user' as source_system,
        int_telephony_users_unioned.user_id as source_id,
        {{ agent_id('int_telephony_users_unioned.email', "'aircall_user_' || int_telephony_users_unioned.user_id") }}
            as agent_id,
        lower(trim(int_telephony_users_unioned.email)) as email_normalised,
        false as is_archived
    from int_telephony_users_unioned
),

unioned as (
    select * from owner_identities
    union all
    select * from hubspot_user_identities
    union all
    select * from user_identities
)

select * from unioned
